// A test plugin that exports no entry symbol: must be refused.
extern "C" __attribute__((visibility("default"))) int vigil_plugin_entry_misspelt() { return 0; }
