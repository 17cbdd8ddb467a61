"""VST3 hosting: find, scan and load VST3 plugins (through pedalboard) and map their parameters.

- `bundles`: where plugins live (`vst3_dirs`, `find_bundles`), a plugin by name or path
  (`resolve_plugin`, with did-you-mean hints from `closest_names`), loading (`load_plugin`).
- `cache`: the scan cache file (`cache_path`), keyed by bundle path and modification stamp.
- `scan`: `scan_plugins`, every installed plugin's parameters (`PluginInfo`), each bundle
  loaded once in a child process so a plugin that hangs or crashes cannot take Phonon with it.
- `host`: `HostedPlugin`, one plugin as the `vst3` node plays it: its instances for the bus's
  channel layout, parameter names, and the values set on it.

The `vst3` node (`phonon.nodes.vst`) and the `phonon vst3` command are built on this package.
"""
from .bundles import (allow_plugin_folders, closest_names, find_bundles, in_plugin_folder,
                      load_plugin, plugin_folders, resolve_plugin, vst3_dirs)
from .cache import CACHE_VERSION, cache_path
from .host import HostedPlugin, parameter_key
from .scan import DEFAULT_SCAN_TIMEOUT, PluginInfo, plugin_info, scan_plugins

__all__ = ["CACHE_VERSION", "DEFAULT_SCAN_TIMEOUT", "HostedPlugin", "PluginInfo",
           "allow_plugin_folders", "cache_path", "closest_names", "find_bundles",
           "in_plugin_folder", "load_plugin", "parameter_key", "plugin_folders", "plugin_info", "resolve_plugin",
           "scan_plugins", "vst3_dirs"]
