export { main } from './main.js';
export type { Io } from './output.js';
