/** The release of this dex implementation, reported by `--version` and `dexctl version`. */
export const DEX_VERSION = '0.1.0';
