"""PyInstaller runtime hook: make pyzbar load the zbar library bundled beside the executable.

On Linux and macOS pyzbar calls ``ctypes.util.find_library("zbar")``, which finds only a system copy and
returns None on a machine without zbar. This hook wraps the ``find_library`` name that
pyzbar.zbar_library imported, so that it returns the bundled copy for "zbar". On Windows pyzbar loads the
DLLs from its own package folder, so the hook does nothing there.
"""


def _use_bundled_zbar():
    import glob
    import os
    import sys

    if sys.platform.startswith("win"):
        return
    bundled = sorted(glob.glob(os.path.join(sys._MEIPASS, "libzbar.*")))
    if not bundled:
        return
    try:
        from pyzbar import zbar_library
    except ImportError:
        return
    find_system_library = zbar_library.find_library

    def find_library(name):
        if name == "zbar":
            return bundled[0]
        return find_system_library(name)

    zbar_library.find_library = find_library


_use_bundled_zbar()
del _use_bundled_zbar
