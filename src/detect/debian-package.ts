const NAME = '[a-z0-9][a-z0-9+.-]+';

/** Debian policy's package name syntax (§5.6.1); anything else could smuggle shell into `apt-get install`. */
export const DEBIAN_PACKAGE_NAME = new RegExp(`^${NAME}$`);

/** A name apt may be given pinned (`name=version`): the version as Debian policy allows it (§5.6.12). */
export const APT_PACKAGE = new RegExp(`^${NAME}(?:=[A-Za-z0-9.+~:-]+)?$`);
