"""Chart declarations, one module a page. Importing this package registers every chart in every
module here (modules whose names start with "_" or "common" are helpers)."""
import importlib
import pkgutil

for _module in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
    if not _module.name.startswith(("_", "common")):
        importlib.import_module(f"{__name__}.{_module.name}")
