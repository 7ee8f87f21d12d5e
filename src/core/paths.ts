/** Path text as the kernel reads it: a path's names, its directory, a name joined to a directory. */

/** The names a path is looked up by, `..` among them: "/srv//a/./b/" is srv, a, b. */
export const names = (path: string) => path.split("/").filter((c) => c !== "" && c !== ".");

/** The directory an absolute path names its last name in: "/opt/bin/hermes" is /opt/bin, "/hermes" is /. */
export const dirname = (path: string) => path.slice(0, path.lastIndexOf("/")) || "/";

/** `name` in the directory `dir`: "/" and "etc" are /etc. */
export const join = (dir: string, name: string) => (dir === "/" ? `/${name}` : `${dir}/${name}`);
