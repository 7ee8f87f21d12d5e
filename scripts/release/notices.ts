/**
 * The notices, written once in Debian's machine-readable copyright format and shipped as is with every
 * artifact: beside the binaries, as the package's /usr/share/doc/NAME/copyright, and in the image archive.
 * The binary's paragraph lists each component it carries (name, version, SPDX license, copyright, source),
 * says what the LGPL asks for its LGPL parts, and how to relink. Each license it names has its own paragraph.
 */
import type { Bill, Component } from "./components.ts";

const FORMAT = "https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/";

/** Licenses Debian ships in /usr/share/common-licenses, by SPDX id: the notices point there and to SPDX. */
const COMMON: Record<string, string> = {
  "Apache-2.0": "Apache-2.0",
  "LGPL-2.0-or-later": "LGPL-2",
  "LGPL-2.1-or-later": "LGPL-2.1",
  "GPL-2.0-only": "GPL-2",
};

const MIT = `Permission is hereby granted, free of charge, to any person obtaining a copy of this software and associated documentation files (the "Software"), to deal in the Software without restriction, including without limitation the rights to use, copy, modify, merge, publish, distribute, sublicense, and/or sell copies of the Software, and to permit persons to whom the Software is furnished to do so, subject to the following conditions:
.
The above copyright notice and this permission notice shall be included in all copies or substantial portions of the Software.
.
THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.`;

const BSD_CONDITIONS = `Redistribution and use in source and binary forms, with or without modification, are permitted provided that the following conditions are met:
.
1. Redistributions of source code must retain the above copyright notice, this list of conditions and the following disclaimer.
.
2. Redistributions in binary form must reproduce the above copyright notice, this list of conditions and the following disclaimer in the documentation and/or other materials provided with the distribution.`;

const BSD_DISCLAIMER = `THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS "AS IS" AND ANY EXPRESS OR IMPLIED WARRANTIES, INCLUDING, BUT NOT LIMITED TO, THE IMPLIED WARRANTIES OF MERCHANTABILITY AND FITNESS FOR A PARTICULAR PURPOSE ARE DISCLAIMED. IN NO EVENT SHALL THE COPYRIGHT HOLDER OR CONTRIBUTORS BE LIABLE FOR ANY DIRECT, INDIRECT, INCIDENTAL, SPECIAL, EXEMPLARY, OR CONSEQUENTIAL DAMAGES (INCLUDING, BUT NOT LIMITED TO, PROCUREMENT OF SUBSTITUTE GOODS OR SERVICES; LOSS OF USE, DATA, OR PROFITS; OR BUSINESS INTERRUPTION) HOWEVER CAUSED AND ON ANY THEORY OF LIABILITY, WHETHER IN CONTRACT, STRICT LIABILITY, OR TORT (INCLUDING NEGLIGENCE OR OTHERWISE) ARISING IN ANY WAY OUT OF THE USE OF THIS SOFTWARE, EVEN IF ADVISED OF THE POSSIBILITY OF SUCH DAMAGE.`;

/** Full texts of the short licenses; the long ones are named with where their text is. */
const TEXTS: Record<string, string> = {
  MIT,
  "BSD-2-Clause": `${BSD_CONDITIONS}\n.\n${BSD_DISCLAIMER}`,
  "BSD-3-Clause": `${BSD_CONDITIONS}\n.\n3. Neither the name of the copyright holder nor the names of its contributors may be used to endorse or promote products derived from this software without specific prior written permission.\n.\n${BSD_DISCLAIMER}`,
  ISC: `Permission to use, copy, modify, and/or distribute this software for any purpose with or without fee is hereby granted, provided that the above copyright notice and this permission notice appear in all copies.
.
THE SOFTWARE IS PROVIDED "AS IS" AND THE AUTHOR DISCLAIMS ALL WARRANTIES WITH REGARD TO THIS SOFTWARE INCLUDING ALL IMPLIED WARRANTIES OF MERCHANTABILITY AND FITNESS. IN NO EVENT SHALL THE AUTHOR BE LIABLE FOR ANY SPECIAL, DIRECT, INDIRECT, OR CONSEQUENTIAL DAMAGES OR ANY DAMAGES WHATSOEVER RESULTING FROM LOSS OF USE, DATA OR PROFITS, WHETHER IN AN ACTION OF CONTRACT, NEGLIGENCE OR OTHER TORTIOUS ACTION, ARISING OUT OF OR IN CONNECTION WITH THE USE OR PERFORMANCE OF THIS SOFTWARE.`,
  Zlib: `This software is provided 'as-is', without any express or implied warranty. In no event will the authors be held liable for any damages arising from the use of this software.
.
Permission is granted to anyone to use this software for any purpose, including commercial applications, and to alter it and redistribute it freely, subject to the following restrictions:
.
1. The origin of this software must not be misrepresented; you must not claim that you wrote the original software. If you use this software in a product, an acknowledgment in the product documentation would be appreciated but is not required.
.
2. Altered source versions must be plainly marked as such, and must not be misrepresented as being the original software.
.
3. This notice may not be removed or altered from any source distribution.`,
  blessing: `The author disclaims copyright to this source code. In place of a legal notice, here is a blessing:
.
May you do good and not evil.
May you find forgiveness for yourself and forgive others.
May you share freely, never taking more than you give.`,
};

const OWN_TEXT: Record<string, string> = {
  OpenSSL: "the OpenSSL and SSLeay licenses, as BoringSSL's LICENSE file states them",
  "Unicode-3.0": "the Unicode License v3, as ICU's LICENSE file states it",
  IJG: "the Independent JPEG Group's license, as libjpeg-turbo/LICENSE.md and README.ijg state it",
};

/** One paragraph field's value in deb822: continuation lines start with a space, an empty line is " .". */
const field = (name: string, value: string) =>
  `${name}: ${value
    .split("\n")
    .map((line, i) => (i === 0 ? line : line === "" || line === "." ? " ." : ` ${line}`))
    .join("\n")}`;

/** The licenses an SPDX expression names: under A OR B, the first, which the release distributes under. */
function chosen(expression: string): string[] {
  return expression
    .split(" AND ")
    .map((term) => term.replace(/[()]/g, "").split(" OR ")[0]?.split(" WITH ")[0] as string);
}

function describe(c: { name: string; version?: string; license: string; copyright: string; source: string }) {
  return [
    `* ${c.name}`,
    `  version: ${c.version ?? "the one its Bun release builds with (not reported)"}`,
    `  license: ${c.license}`,
    `  copyright: ${c.copyright}`,
    `  source: ${c.source}`,
  ].join("\n");
}

/** `files`: the binary's names in every artifact (Debian's Files: patterns). */
export function notices(bill: Bill, files: readonly string[], maintainer: string): string {
  const { project, bun } = bill;
  const bunComponent: Component = {
    name: "Bun",
    version: `${bun.version} (revision ${bun.revision})`,
    license: bun.license,
    copyright: bun.copyright,
    source: bun.source,
  };
  const all = [...bill.inlined, bunComponent, ...bill.embedded];
  const lgpl = bill.embedded.filter((c) => c.lgpl);
  const licenses = [...new Set([project.license, ...all.flatMap((c) => chosen(c.license))])];
  const comment = [
    `Each of ${files.join(", ")} is one executable: the Bun runtime, as Bun's release ships it, with ${project.name}'s`,
    `JavaScript bundle (commit ${project.commit}) appended by \`bun build --compile\`. It carries these components, each`,
    "under its own license; where an SPDX expression offers a choice (OR), it is distributed under the first.",
    "",
    ...all.map(describe),
    "",
    `The LGPL parts (${lgpl.map((c) => c.name).join("; ")}) are linked statically into Bun. The LGPL asks that`,
    "whoever ships such a binary tell the recipient where the library's source is and let them modify the library",
    "and relink. The corresponding source is at the commit given above for each, in the repository given; Bun's",
    `own source, which names those commits, is ${bun.source}. To relink: build Bun from that source with your`,
    "changed library, as oven-sh/bun/LICENSE.md explains (clone its WebKit fork into vendor/WebKit at the commit above,",
    `then \`bun run build:local\`); then build this program with that Bun from ${project.source} at commit`,
    `${project.commit}: \`/path/to/your/bun scripts/build.ts --outfile hermes\`. ${project.name}'s own code is`,
    "MIT-licensed source, so nothing else is needed to relink.",
  ].join("\n");
  const paragraphs = [
    [
      `Format: ${FORMAT}`,
      `Upstream-Name: ${project.name}`,
      `Upstream-Contact: ${maintainer}`,
      `Source: ${project.source}`,
    ].join("\n"),
    [`Files: *`, `Copyright: ${project.copyright}`, `License: ${project.license}`].join("\n"),
    [
      `Files: ${files.join(" ")}`,
      field("Copyright", [...new Set([project.copyright, ...all.map((c) => c.copyright)])].join("\n")),
      `License: ${licenses.join(" and ")}`,
      field("Comment", comment),
    ].join("\n"),
    ...licenses.map((id) => {
      const common = COMMON[id];
      const text =
        TEXTS[id] ??
        (common
          ? `On Debian systems, the full text is in /usr/share/common-licenses/${common}.\nIt is also at https://spdx.org/licenses/${id}.html.`
          : `The full text is ${OWN_TEXT[id] ?? "in the component's source"}, and at https://spdx.org/licenses/${id}.html.`);
      return field("License", `${id}\n${text}`);
    }),
  ];
  return `${paragraphs.join("\n\n")}\n`;
}
