export * from './auth.js';
export * from './config.js';
export * from './errors.js';
export * from './parameters.js';
export * from './resolve.js';
export * from './step-options.js';
export * from './trigger-input.js';
