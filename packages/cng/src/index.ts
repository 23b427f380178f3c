export type * from './native_binding.js';
