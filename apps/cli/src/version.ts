declare const __FFNN_VERSION__: string | undefined;

/** The CLI's version (injected at build time; `dev` when run from source). */
export const VERSION: string = typeof __FFNN_VERSION__ === 'string' ? __FFNN_VERSION__ : 'dev';
