/**
 * What every release binary carries besides the project's own code: the Bun runtime, everything Bun links
 * statically, and minimist, which the bundle inlines. Neither Bun's npm package nor its binary holds Bun's
 * license file, so the list of components and their licenses is this table, transcribed from that file
 * (https://github.com/oven-sh/bun/blob/REVISION/LICENSE.md) at the pinned Bun's revision, Linux builds only
 * (libuv and Tigerbeetle's Windows I/O are not in them). The versions come from the pinned Bun itself: its
 * process.versions names the commit or version of each library it reports. The release refuses a Bun other
 * than REVIEWED_FOR, or one that reports a library this table does not place, so a new Bun means reading its
 * license file again and updating the table (test/release/components.test.ts holds both checks too).
 */

/** The Bun version whose license file (oven-sh/bun/LICENSE.md) this table was checked against. */
export const REVIEWED_FOR = "1.4.5";

export interface Component {
  name: string;
  /** The pinned Bun's process.versions for it, or undefined when Bun reports none. */
  version?: string;
  /** SPDX license expression. */
  license: string;
  copyright: string;
  /** Where its source is. */
  source: string;
  /** What the LGPL asks of whoever ships it, when it is LGPL. */
  lgpl?: boolean;
}

interface Row extends Omit<Component, "version"> {
  /** The process.versions key that reports its version. */
  key?: string;
}

const ROWS: readonly Row[] = [
  {
    name: "JavaScriptCore and WebCore (WebKit, Bun's fork)",
    key: "webkit",
    license: "LGPL-2.0-or-later AND BSD-2-Clause",
    copyright: "Apple Inc., the KDE project and the WebKit contributors",
    source: "https://github.com/oven-sh/WebKit",
    lgpl: true,
  },
  {
    name: "tinycc",
    key: "tinycc",
    license: "LGPL-2.1-or-later",
    copyright: "Fabrice Bellard and the tinycc contributors",
    source: "https://github.com/tinycc/tinycc",
    lgpl: true,
  },
  {
    name: "BoringSSL",
    key: "boringssl",
    license: "Apache-2.0 AND ISC AND OpenSSL",
    copyright: "The BoringSSL Authors, The OpenSSL Project, Eric Young",
    source: "https://boringssl.googlesource.com/boringssl",
  },
  {
    name: "libarchive",
    key: "libarchive",
    license: "BSD-2-Clause AND BSD-3-Clause",
    copyright: "Tim Kientzle and the libarchive contributors",
    source: "https://github.com/libarchive/libarchive",
  },
  {
    name: "mimalloc",
    key: "mimalloc",
    license: "MIT",
    copyright: "Microsoft Corporation, Daan Leijen",
    source: "https://github.com/microsoft/mimalloc",
  },
  {
    name: "picohttpparser",
    key: "picohttpparser",
    license: "MIT OR Artistic-1.0-Perl",
    copyright: "Kazuho Oku, Tokuhiro Matsuno, Daisuke Murase, Shigeo Mitsunari",
    source: "https://github.com/h2o/picohttpparser",
  },
  {
    name: "uSockets (Bun's fork, in Bun's source)",
    key: "usockets",
    license: "Apache-2.0",
    copyright: "Alex Hultman and the uNetworking contributors, Oven",
    source: "https://github.com/uNetworking/uSockets",
  },
  {
    name: "uWebSockets (Bun's fork, in Bun's source)",
    key: "uwebsockets",
    license: "Apache-2.0",
    copyright: "Alex Hultman and the uNetworking contributors, Oven",
    source: "https://github.com/jarred-sumner/uwebsockets",
  },
  {
    name: "Zig standard library",
    key: "zig",
    license: "MIT",
    copyright: "Zig contributors",
    source: "https://github.com/ziglang/zig",
  },
  {
    name: "zlib-ng",
    key: "zlib",
    license: "Zlib",
    copyright: "Jean-loup Gailly, Mark Adler and the zlib-ng contributors",
    source: "https://github.com/zlib-ng/zlib-ng",
  },
  {
    name: "lol-html",
    key: "lolhtml",
    license: "BSD-3-Clause",
    copyright: "Cloudflare, Inc.",
    source: "https://github.com/cloudflare/lol-html",
  },
  {
    name: "c-ares",
    key: "ares",
    license: "MIT",
    copyright: "Massachusetts Institute of Technology, Daniel Stenberg and the c-ares contributors",
    source: "https://github.com/c-ares/c-ares",
  },
  {
    name: "libdeflate",
    key: "libdeflate",
    license: "MIT",
    copyright: "Eric Biggers",
    source: "https://github.com/ebiggers/libdeflate",
  },
  {
    name: "ls-hpack",
    key: "lshpack",
    license: "MIT",
    copyright: "LiteSpeed Technologies Inc",
    source: "https://github.com/litespeedtech/ls-hpack",
  },
  {
    name: "zstd",
    key: "zstd",
    license: "BSD-3-Clause OR GPL-2.0-only",
    copyright: "Meta Platforms, Inc. and affiliates",
    source: "https://github.com/facebook/zstd",
  },
  {
    name: "ICU",
    key: "icu",
    license: "Unicode-3.0",
    copyright: "Unicode, Inc. and others",
    source: "https://github.com/unicode-org/icu",
  },
  {
    name: "SQLite",
    key: "sqlite",
    license: "blessing",
    copyright: "none: the authors dedicated SQLite to the public domain",
    source: "https://sqlite.org/src",
  },
  {
    name: "brotli",
    license: "MIT",
    copyright: "The Brotli Authors",
    source: "https://github.com/google/brotli",
  },
  {
    name: "ls-qpack",
    license: "MIT",
    copyright: "LiteSpeed Technologies Inc",
    source: "https://github.com/litespeedtech/ls-qpack",
  },
  {
    name: "lsquic",
    license: "MIT AND BSD-3-Clause",
    copyright: "LiteSpeed Technologies Inc, The Chromium Authors",
    source: "https://github.com/litespeedtech/lsquic",
  },
  {
    name: "simdutf",
    license: "Apache-2.0",
    copyright: "Daniel Lemire and the simdutf contributors",
    source: "https://github.com/simdutf/simdutf",
  },
  {
    name: "libbase64",
    license: "BSD-2-Clause",
    copyright: "Alfred Klomp and the base64 contributors",
    source: "https://github.com/aklomp/base64",
  },
  {
    name: "libjpeg-turbo",
    license: "BSD-3-Clause AND IJG AND Zlib",
    copyright: "the libjpeg-turbo Project, the Independent JPEG Group",
    source: "https://github.com/libjpeg-turbo/libjpeg-turbo",
  },
  {
    name: "libspng",
    license: "BSD-2-Clause",
    copyright: "Randy (randy408) and the libspng contributors",
    source: "https://github.com/randy408/libspng",
  },
  {
    name: "libwebp",
    license: "BSD-3-Clause",
    copyright: "Google Inc.",
    source: "https://github.com/webmproject/libwebp",
  },
  {
    name: "highway",
    license: "Apache-2.0",
    copyright: "Google LLC",
    source: "https://github.com/google/highway",
  },
  {
    name: "uucode",
    license: "MIT",
    copyright: "Jacob Sandlund",
    source: "https://github.com/jacobsandlund/uucode",
  },
  {
    name: "LLVM libc++abi __cxa_thread_atexit fallback",
    license: "Apache-2.0 WITH LLVM-exception",
    copyright: "the LLVM Project contributors",
    source: "https://github.com/llvm/llvm-project/blob/llvmorg-19.1.0/libcxxabi/src/cxa_thread_atexit.cpp",
  },
  {
    name: "Node.js polyfills (acorn, acorn-walk, assert, browserify-zlib, buffer, constants-browserify, crypto-browserify, domain-browser, events, https-browserify, os-browserify, path-browserify, process, punycode, querystring-es3, stream-browserify, stream-http, string_decoder, timers-browserify, tty-browserify, url, util, vm-browserify)",
    license: "MIT",
    copyright: "their authors, as each npm package names them",
    source: "https://www.npmjs.com/",
  },
  {
    name: "esbuild (ported: Bun's transpiler, CSS lexer and module resolver)",
    license: "MIT",
    copyright: "Evan Wallace",
    source: "https://github.com/evanw/esbuild",
  },
];

/**
 * What process.versions reports that is not a library in the binary: versions of APIs Bun is compatible with
 * (node, v8, napi, modules, openssl, uv, llhttp), of data or syntax (unicode, typescript), and Bun itself.
 * libuv is linked on Windows only; OpenSSL's API is BoringSSL's.
 */
const NOT_COMPONENTS = new Set([
  "bun",
  "node",
  "v8",
  "uv",
  "napi",
  "modules",
  "openssl",
  "llhttp",
  "unicode",
  "typescript",
]);

/** The keys of process.versions this table does not place: each needs a row or a reason. */
export function unplaced(versions: Record<string, string | undefined>): string[] {
  const placed = new Set(ROWS.flatMap((r) => (r.key ? [r.key] : [])));
  return Object.keys(versions).filter((k) => !placed.has(k) && !NOT_COMPONENTS.has(k));
}

/** The components Bun links statically, each with the version the pinned Bun reports for it. */
export function bunComponents(versions: Record<string, string | undefined>): Component[] {
  return ROWS.map(({ key, ...row }) => ({ ...row, ...(key && versions[key] ? { version: versions[key] } : {}) }));
}

/** What the release knows about what it ships: the project, what the bundle inlines, and the runtime. */
export interface Bill {
  project: { name: string; version: string; license: string; copyright: string; source: string; commit: string };
  inlined: Component[];
  bun: { version: string; revision: string; license: string; copyright: string; source: string };
  embedded: Component[];
}

/** Every license the binary carries, as one SPDX expression (the image's licenses label). */
export function licenseExpression(bill: Bill): string {
  const all = [bill.project.license, ...bill.inlined.map((c) => c.license), bill.bun.license];
  for (const c of bill.embedded) all.push(c.license);
  const unique = [...new Set(all)];
  return unique.map((l) => (/ (OR|WITH) /.test(l) && unique.length > 1 ? `(${l})` : l)).join(" AND ");
}
