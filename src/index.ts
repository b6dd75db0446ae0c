/**
 * topolens: the library API for Node: the browser-safe core (./browser.ts) and the loaders that
 * read files (./data/node.ts).
 */
export * from './browser.js';
export * from './data/node.js';
