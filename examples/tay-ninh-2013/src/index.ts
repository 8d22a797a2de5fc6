// The case lives in @thidua/domain/demo (what `thidua demo` runs); this example keeps its old names by re-exporting all of it.
export * from '@thidua/domain/demo';
