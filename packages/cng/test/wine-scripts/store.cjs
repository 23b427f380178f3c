// Runs a list of addon calls in order, in one Windows process: input { calls: [{ fn, args }] }.
// Buffers travel as { base64 }. Each call's answer is { value } or, when it throws, { threw }.
'use strict';
const { run, loadAddon } = require('./result.cjs');

function decode(value) {
  if (Array.isArray(value)) return value.map(decode);
  if (value && typeof value === 'object') {
    if (typeof value.base64 === 'string' && Object.keys(value).length === 1) return Buffer.from(value.base64, 'base64');
    return Object.fromEntries(Object.entries(value).map(([key, v]) => [key, decode(v)]));
  }
  return value;
}

run(async ({ calls }) => {
  const addon = loadAddon();
  const answers = [];
  for (const { fn, args } of calls) {
    try {
      answers.push({ value: await addon[fn](...decode(args)) });
    } catch (error) {
      answers.push({ threw: { name: error && error.name, message: String(error && error.message) } });
    }
  }
  return answers;
});
