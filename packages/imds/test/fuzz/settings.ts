// The fuzz settings (bounded runs, per-property timeout, seed in failures) are core's, shared.
export * from '../../../core/test/fuzz/settings.js';
