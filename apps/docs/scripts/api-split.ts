/**
 * Turns TypeDoc's one Markdown page per entry point into one page per source module: the reference of
 * `@ffnn/layers` becomes `activations`, `losses`, `network`, `fit`, … as the package's barrel groups them.
 */

/** A module of a barrel: its path as written (`preprocessing/scalers`) and the page it gets (`preprocessing-scalers`). */
export interface ApiModule {
  path: string;
  page: string;
}

/** Which source module each public name of a barrel comes from: `export { a, type B } from './x.js'` gives a → x, B → x. */
export function barrelModules(source: string): Map<string, ApiModule> {
  const out = new Map<string, ApiModule>();
  const text = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
  const re = /export\s+(?:type\s+)?\{([^}]*)\}\s*from\s*['"]\.\/([^'"]+)['"]/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const path = m[2]!.replace(/\.(js|ts)$/, '');
    const mod = { path, page: path.replace(/\//g, '-') };
    for (const part of m[1]!.split(',')) {
      const spec = part.trim().replace(/^type\s+/, '');
      if (!spec) continue;
      const as = /\bas\s+(\w+)$/.exec(spec);
      out.set(as ? as[1]! : spec.split(/\s/)[0]!, mod);
    }
  }
  return out;
}

/** The anchor VitePress gives a `### name()` heading (its slugify: punctuation, `_` included, becomes `-`). */
export function anchorOf(heading: string): string {
  return heading
    .replace(/[\s~`!@#$%^&*()\-_+=[\]{}|\\;:"'<>,.?/]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .toLowerCase();
}

/** A heading as it reads on the page: TypeDoc's Markdown escapes and code marks removed (`` `abstract` Foo``, `A\_B`). */
export function headingText(heading: string): string {
  return heading.replace(/\\(.)/g, '$1').replace(/`/g, '').trim();
}

/** The exported name a `###` heading documents: `activation()` → `activation`, `` `abstract` Foo`` → `Foo`. */
export function symbolName(heading: string): string {
  return heading.replace(/\\(.)/g, '$1').replace(/`[^`]*`\s*/g, '').replace(/\(\)$/, '').trim();
}

/** The anchor TypeDoc's Markdown links use for a symbol: its name in lower case. */
function typedocAnchor(heading: string): string {
  return symbolName(heading).toLowerCase();
}

/**
 * Splits a TypeDoc page (`## Classes`, `### Sequential`, … outside code fences) by the module each `###`
 * symbol comes from. Returns the text before the first `##` and, per module page, its Markdown (kind
 * headings kept, in TypeDoc's order) and the symbols it holds. Symbols the barrel does not list go to `other`.
 */
export function splitByModule(body: string, modules: Map<string, ApiModule>): { preamble: string; pages: Map<string, { module: ApiModule; markdown: string; symbols: string[] }> } {
  const lines = body.split('\n');
  const pre: string[] = [];
  const pages = new Map<string, { module: ApiModule; kinds: Map<string, string[]>; symbols: string[] }>();
  let kind: string | null = null;
  let target: string[] | null = null;
  let fence: string | null = null;
  for (const line of lines) {
    const f = /^\s*(```+|~~~+)/.exec(line);
    if (f) fence = fence === null ? f[1]! : line.trim().startsWith(fence) ? null : fence;
    if (fence === null && !f) {
      const h2 = /^## (.+)$/.exec(line);
      if (h2) {
        kind = h2[1]!;
        target = null;
        continue;
      }
      const h3 = /^### (.+)$/.exec(line);
      if (h3 && kind) {
        const name = symbolName(h3[1]!);
        const module = modules.get(name) ?? { path: 'other', page: 'other' };
        let page = pages.get(module.page);
        if (!page) pages.set(module.page, (page = { module, kinds: new Map(), symbols: [] }));
        page.symbols.push(headingText(h3[1]!));
        if (!page.kinds.has(kind)) page.kinds.set(kind, []);
        target = page.kinds.get(kind)!;
      }
    }
    (target ?? (kind === null ? pre : [])).push(line);
  }
  // Links to a symbol on another module's page point there.
  const home = new Map<string, { page: string; anchor: string }>();
  for (const [page, p] of pages) for (const s of p.symbols) home.set(typedocAnchor(s), { page, anchor: anchorOf(s) });
  const out = new Map<string, { module: ApiModule; markdown: string; symbols: string[] }>();
  for (const [page, p] of pages) {
    const md = [...p.kinds].map(([k, ls]) => `## ${k}\n\n${ls.join('\n').trim()}\n`).join('\n');
    const linked = md.replace(/\]\(#([^)\s]+)\)/g, (whole, anchor: string) => {
      const there = home.get(anchor);
      if (!there) return whole;
      return there.page === page ? `](#${there.anchor})` : `](./${there.page}#${there.anchor})`;
    });
    out.set(page, { module: p.module, markdown: linked, symbols: p.symbols });
  }
  return { preamble: pre.join('\n').trim(), pages: out };
}

/** In `$…$` and `$$…$$` math, undoes the comment sanitizer's Markdown escapes (`\{`, `\}`, `\_`, `\*`), which TeX would print. */
export function unescapeMath(md: string): string {
  const clean = (tex: string) => tex.replace(/\\([{}_*])/g, '$1');
  return md
    .replace(/\$\$([\s\S]+?)\$\$/g, (_, tex: string) => `$$${clean(tex)}$$`)
    .replace(/(^|[^$])\$((?:[^$\\\n]|\\.)+?)\$(?!\$)/g, (_, pre: string, tex: string) => `${pre}$${clean(tex)}$`);
}
