"""The package version, readable from any layer without importing the top-level API."""

from importlib.metadata import PackageNotFoundError, version

try:
    VERSION = version("simsuite")
except PackageNotFoundError:  # running from a source tree without installing
    VERSION = "0+unknown"
