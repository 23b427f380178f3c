declare function loadBinding(): unknown;
export = loadBinding;
