"""Entry script of the PyInstaller bundle: runs the ``scan-station`` command.

``--self-test`` alone runs the self-test before station.cli builds its parser, because building the
parser imports every subcommand module: one broken module would otherwise crash the self-test instead
of showing up as its FAIL line.
"""

import sys

if __name__ == "__main__":
    if sys.argv[1:] == ["--self-test"]:
        from station.selftest import run_self_test

        sys.exit(run_self_test())

    from station.cli import main

    sys.exit(main())
