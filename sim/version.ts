/** The harness version written into traces and corpus cases; equals package.json's version. */
export const HARNESS_VERSION = "0.1.0";
