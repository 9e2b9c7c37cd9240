/**
 * Turns the output of `ffnn reproduce` (a directory with `report.md`, `manifest.json` and per-part
 * folders of CSV tables and SVG/PNG figures) into pages of the docs site. Nothing here writes a
 * number of its own: every number on the generated pages comes from the results directory.
 */
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { extname, join, posix, relative, sep } from 'node:path';

/** A page to write under `results/`. */
export interface ResultsPage {
  /** File name without `.md`, e.g. `index` or `b-regression-on-the-runge-function`. */
  slug: string;
  title: string;
  markdown: string;
}

export interface ResultsOutput {
  pages: ResultsPage[];
  /** Files (relative to the results dir, POSIX separators) to publish under the assets URL. */
  assets: string[];
  /** Sidebar entries, in page order. */
  sidebar: { text: string; link: string }[];
}

const FIGURE = new Set(['.svg', '.png', '.jpg', '.jpeg', '.webp']);
const ASSET = new Set([...FIGURE, '.csv', '.json', '.txt']);
/** Rows of a CSV shown inline; the full table is linked. */
const MAX_INLINE_ROWS = 40;

/** All files under `dir`, relative, with POSIX separators, sorted. */
export function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(relative(dir, p).split(sep).join('/'));
    }
  };
  walk(dir);
  return out;
}

/** A URL-safe slug of a heading: "(b) Regression on Runge" → "b-regression-on-runge". */
export function slugify(text: string): string {
  const s = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return s.slice(0, 60).replace(/-+$/, '') || 'section';
}

/** Splits Markdown into the text before the first `## ` heading and the `## ` sections (outside code fences). */
export function splitSections(md: string): { preamble: string; title: string | null; sections: { heading: string; body: string }[] } {
  const lines = md.replace(/\r\n?/g, '\n').split('\n');
  let title: string | null = null;
  const pre: string[] = [];
  const sections: { heading: string; body: string[] }[] = [];
  let fence: string | null = null;
  for (const line of lines) {
    const f = /^\s*(```+|~~~+)/.exec(line);
    if (f) {
      if (fence === null) fence = f[1]!;
      else if (line.trim().startsWith(fence)) fence = null;
    }
    if (fence === null && !f) {
      const h1 = /^#\s+(.+?)\s*#*\s*$/.exec(line);
      if (h1 && title === null && sections.length === 0) {
        title = h1[1]!;
        continue;
      }
      const h2 = /^##\s+(.+?)\s*#*\s*$/.exec(line);
      if (h2) {
        sections.push({ heading: h2[1]!, body: [] });
        continue;
      }
    }
    (sections.at(-1)?.body ?? pre).push(line);
  }
  return { preamble: pre.join('\n').trim(), title, sections: sections.map((s) => ({ heading: s.heading, body: s.body.join('\n').trim() })) };
}

/** `[text]` or `![alt]` of a Markdown link or image; the text may hold one level of brackets, e.g. `z ∈ [−5, 5]`. */
const LINK_TEXT = /!?\[(?:[^[\]]|\[[^[\]]*\])*\]/;

/** Relative targets of Markdown images/links and HTML src/href attributes in `md`. */
export function localTargets(md: string): string[] {
  const found: string[] = [];
  const re = new RegExp(`${LINK_TEXT.source}\\(\\s*<?([^)\\s>]+)>?(?:\\s+"[^"]*")?\\s*\\)|\\b(?:src|href)\\s*=\\s*"([^"]+)"`, 'g');
  for (let m = re.exec(md); m; m = re.exec(md)) {
    const target = m[1] ?? m[2]!;
    if (!/^(?:[a-z]+:|#|\/)/i.test(target)) found.push(target);
  }
  return found;
}

/** Rewrites relative links of a section of `report.md` (at `reportDir`, relative to the results dir) to the published assets. */
export function rewriteLinks(md: string, reportDir: string, assetsBase: string): string {
  const fix = (target: string) => {
    if (/^(?:[a-z]+:|#|\/)/i.test(target)) return target;
    const [path, hash = ''] = target.split('#') as [string, string?];
    const resolved = posix.normalize(posix.join(reportDir, decodeURI(path)));
    return `${assetsBase}/${encodeURI(resolved)}${hash ? `#${hash}` : ''}`;
  };
  return md
    .replace(new RegExp(`(${LINK_TEXT.source}\\(\\s*<?)([^)\\s>]+)(>?(?:\\s+"[^"]*")?\\s*\\))`, 'g'), (_, a: string, t: string, b: string) => `${a}${fix(t)}${b}`)
    .replace(/\b(src|href)(\s*=\s*")([^"]+)(")/g, (_, k: string, a: string, t: string, b: string) => `${k}${a}${fix(t)}${b}`);
}

/** Parses a CSV (RFC 4180 quoting) into rows of cells. */
export function parseCsvRows(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += c;
  }
  if (cell !== '' || row.length > 0) {
    row.push(cell);
    rows.push(row);
  }
  return rows.filter((r) => r.some((c) => c.trim() !== ''));
}

function escapeCell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/** Formats a numeric cell for reading (6 significant digits); other cells are kept as they are. */
export function formatCell(s: string): string {
  const t = s.trim();
  if (!/^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/.test(t)) return t;
  const v = Number(t);
  if (Number.isInteger(v) && Math.abs(v) < 1e9) return String(v);
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e6) ? v.toExponential(3) : String(Number(v.toPrecision(6)));
}

/** A CSV as a Markdown table (first `maxRows` data rows). */
export function csvToMarkdown(text: string, maxRows = MAX_INLINE_ROWS): { table: string; rows: number; shown: number } {
  const rows = parseCsvRows(text);
  const [head, ...data] = rows;
  if (!head) return { table: '_(empty table)_', rows: 0, shown: 0 };
  const shown = data.slice(0, maxRows);
  const width = head.length;
  const line = (cells: string[]) => `| ${Array.from({ length: width }, (_, j) => escapeCell(formatCell(cells[j] ?? ''))).join(' | ')} |`;
  const table = [line(head), `| ${head.map(() => '---').join(' | ')} |`, ...shown.map(line)].join('\n');
  return { table, rows: data.length, shown: shown.length };
}

function humanName(file: string): string {
  const base = posix.basename(file, posix.extname(file));
  return base.replace(/[-_]+/g, ' ').replace(/^\w/, (c) => c.toUpperCase());
}

/**
 * The size (CSS px) at which a figure of the results directory reads as drawn: an SVG's `width` and
 * `height`; a PNG's pixels halved, since `ffnn reproduce` renders its PNGs at 2×. Null when unknown.
 */
export function figureSize(dir: string, file: string): { width: number; height: number } | null {
  const path = join(dir, file);
  if (!existsSync(path)) return null;
  const ext = extname(file).toLowerCase();
  if (ext === '.svg') {
    const root = /<svg\b[^>]*>/i.exec(readFileSync(path, 'utf8').slice(0, 4000))?.[0] ?? '';
    const attr = (name: string) => Number(new RegExp(`\\s${name}\\s*=\\s*"\\s*([\\d.]+)(?:px)?\\s*"`).exec(root)?.[1] ?? NaN);
    const [width, height] = [attr('width'), attr('height')];
    return width > 0 && height > 0 ? { width, height } : null;
  }
  if (ext === '.png') {
    const b = readFileSync(path);
    if (b.length < 24 || b.toString('latin1', 1, 4) !== 'PNG') return null;
    return { width: b.readUInt32BE(16) / 2, height: b.readUInt32BE(20) / 2 };
  }
  return null;
}

/** Escapes text for an HTML attribute. */
function attrText(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}

/**
 * A figure at the size it was drawn: never shrunk below 80% of it (tick labels stay legible), the
 * box scrolls sideways where the column is narrower, and a click opens it full size (theme script).
 * An SVG sibling of a PNG is preferred: it is sharp at every zoom.
 */
export function figureHtml(dir: string, file: string, alt: string, assetsBase: string): string {
  const svg = file.replace(/\.png$/i, '.svg');
  const shown = svg !== file && existsSync(join(dir, svg)) ? svg : file;
  const url = `${assetsBase}/${encodeURI(shown)}`;
  const size = figureSize(dir, shown);
  const style = size ? ` style="--figure-width: ${size.width}px"` : '';
  const dims = size ? ` width="${Math.round(size.width)}" height="${Math.round(size.height)}" data-natural-width="${size.width}"` : '';
  return `<span class="results-figure"${style}><img src="${url}" alt="${attrText(alt)}"${dims} loading="lazy" decoding="async" data-zoomable /></span>`;
}

/** Replaces Markdown images of local figure files in `md` (relative to the results dir) by {@link figureHtml}. */
export function figuresToHtml(md: string, dir: string, assetsBase: string): string {
  return md.replace(new RegExp(`!(${LINK_TEXT.source.slice(2)})\\(\\s*<?([^)\\s>]+)>?(?:\\s+"[^"]*")?\\s*\\)`, 'g'), (whole: string, text: string, target: string) => {
    if (/^(?:[a-z]+:|#|\/)/i.test(target)) return whole;
    const file = posix.normalize(decodeURI(target.split('#')[0]!));
    if (!FIGURE.has(extname(file).toLowerCase()) || !existsSync(join(dir, file))) return whole;
    return figureHtml(dir, file, text.slice(1, -1), assetsBase);
  });
}

/** Markdown for a figure or table file of the results directory that the report itself does not show. */
function assetBlock(dir: string, file: string, assetsBase: string): string {
  const url = `${assetsBase}/${encodeURI(file)}`;
  const ext = extname(file).toLowerCase();
  if (FIGURE.has(ext)) return `### ${humanName(file)}\n\n${figureHtml(dir, file, humanName(file), assetsBase)}\n\n<small><code>${file}</code></small>`;
  if (ext === '.csv') {
    const { table, rows, shown } = csvToMarkdown(readFileSync(join(dir, file), 'utf8'));
    const more = rows > shown ? ` (first ${shown} of ${rows} rows)` : '';
    return `### ${humanName(file)}\n\n${table}\n\n<small>Table <a href="${url}" target="_blank"><code>${file}</code></a>${more}.</small>`;
  }
  return `### ${humanName(file)}\n\n<a href="${url}" target="_blank"><code>${file}</code></a>`;
}

/** Front matter of every results page: no outline column, so tables and figures get the width (theme CSS `.results-page`). */
const WIDE = '---\naside: false\npageClass: results-page\n---\n\n';

/** Vue would treat `{{ … }}` in page text as template code; generated text is shown as written. */
function vPre(md: string): string {
  return `::: v-pre\n${md}\n:::`;
}

function scalar(v: unknown): v is string | number | boolean | null {
  return v === null || ['string', 'number', 'boolean'].includes(typeof v);
}

/**
 * Wall time per part (and per phase, where the manifest breaks a part down) as a table, from the
 * manifest's `timingsMs` and `phaseTimingsMs`; empty when the manifest has no timings.
 */
export function timingsMarkdown(manifest: unknown): string {
  const m = manifest as { timingsMs?: Record<string, unknown>; phaseTimingsMs?: Record<string, Record<string, unknown>> };
  if (typeof m.timingsMs !== 'object' || m.timingsMs === null) return '';
  const minutes = (ms: unknown) => (typeof ms !== 'number' ? '' : ms >= 60000 ? `${(ms / 60000).toFixed(1)} min` : `${(ms / 1000).toFixed(1)} s`);
  const rows = Object.entries(m.timingsMs).map(([part, ms]) => {
    const phases = Object.entries(m.phaseTimingsMs?.[part] ?? {}).map(([name, v]) => `${name} ${minutes(v)}`).join(', ');
    return `| ${part === 'total' ? '**total**' : part} | ${minutes(ms)} | ${phases} |`;
  });
  return ['Wall time of the run:', '', '| part | wall time | of which |', '| --- | ---: | --- |', ...rows, '', ''].join('\n');
}

/** The manifest as a table of its scalar fields and the rest as JSON, whatever its schema. */
export function manifestMarkdown(manifest: unknown): string {
  if (typeof manifest !== 'object' || manifest === null) return '```json\n' + JSON.stringify(manifest, null, 2) + '\n```';
  const flat: [string, string][] = [];
  const nested: Record<string, unknown> = {};
  const visit = (prefix: string, obj: Record<string, unknown>, depth: number) => {
    for (const [k, v] of Object.entries(obj)) {
      const key = prefix ? `${prefix}.${k}` : k;
      if (scalar(v)) flat.push([key, String(v)]);
      else if (depth < 1 && typeof v === 'object' && !Array.isArray(v)) visit(key, v as Record<string, unknown>, depth + 1);
      else nested[key] = v;
    }
  };
  visit('', manifest as Record<string, unknown>, 0);
  const table = flat.length ? ['| field | value |', '| --- | --- |', ...flat.map(([k, v]) => `| \`${k}\` | ${escapeCell(v)} |`)].join('\n') : '';
  const rest = Object.keys(nested).length
    ? `\n\n<details><summary>The rest of <code>manifest.json</code></summary>\n\n\`\`\`json\n${JSON.stringify(nested, null, 2)}\n\`\`\`\n\n</details>`
    : '';
  return table + rest;
}

/** Builds the results pages from a results directory. */
export function buildResultsPages(dir: string, assetsBase: string): ResultsOutput {
  const files = listFiles(dir);
  const assets = files.filter((f) => ASSET.has(extname(f).toLowerCase()));
  const reportPath = join(dir, 'report.md');
  const report = existsSync(reportPath) ? readFileSync(reportPath, 'utf8') : '';
  const { preamble, title, sections } = splitSections(report);
  const manifestPath = join(dir, 'manifest.json');
  const manifest: unknown = existsSync(manifestPath) ? JSON.parse(readFileSync(manifestPath, 'utf8')) : null;

  const pages: ResultsPage[] = [];
  const used = new Set<string>();
  const shown = new Set<string>();
  const owner = new Map<string, number>(); // top folder → page index
  for (const s of sections) {
    // The report's own table of contents links to anchors of one long page; the sidebar replaces it.
    if (/^(table of )?contents$/i.test(s.heading.trim())) continue;
    let slug = slugify(s.heading);
    while (used.has(slug) || slug === 'index') slug = `${slug}-2`;
    used.add(slug);
    for (const t of localTargets(s.body)) {
      const f = posix.normalize(decodeURI(t.split('#')[0]!));
      shown.add(f);
      const top = f.includes('/') ? f.split('/')[0]! : null;
      if (top && !owner.has(top)) owner.set(top, pages.length);
    }
    pages.push({ slug, title: s.heading, markdown: `${WIDE}# ${s.heading}\n\n${vPre(rewriteLinks(figuresToHtml(s.body, dir, assetsBase), '.', assetsBase))}\n` });
  }

  // Tables and figures the report does not show go to the page of their part (or a page of their own).
  const extra = new Map<string, string[]>();
  for (const f of assets) {
    if (shown.has(f) || f === 'manifest.json') continue;
    const top = f.includes('/') ? f.split('/')[0]! : '.';
    extra.set(top, [...(extra.get(top) ?? []), f]);
  }
  for (const [top, list] of extra) {
    const blocks = list.map((f) => assetBlock(dir, f, assetsBase)).join('\n\n');
    const idx = owner.get(top);
    if (idx !== undefined) {
      const page = pages[idx]!;
      page.markdown += `\n## Every table and figure of \`${top}/\`\n\nFiles of this part that the report above does not show.\n\n${vPre(blocks)}\n`;
    } else {
      const heading = top === '.' ? 'Other files' : `Files of ${top}/`;
      let slug = slugify(top === '.' ? 'other-files' : `files-${top}`);
      while (used.has(slug)) slug = `${slug}-2`;
      used.add(slug);
      pages.push({ slug, title: heading, markdown: `${WIDE}# ${heading}\n\n${vPre(blocks)}\n` });
    }
  }

  const differ = pages.find((p) => /differ/i.test(p.title));
  const index = [
    `${WIDE}# ${title ?? 'Results'}`,
    '',
    'These pages are generated from the output of one run of `ffnn reproduce`: the report, its tables and figures, and',
    'the run manifest (which profile, which commit, which machine, and how long each part took). Nothing on them is typed by hand.',
    '',
    preamble ? vPre(rewriteLinks(figuresToHtml(preamble, dir, assetsBase), '.', assetsBase)) : '',
    '',
    '## Pages',
    '',
    ...pages.map((p) => `- [${p.title.replace(/[[\]]/g, '')}](./${p.slug})`),
    '',
    differ
      ? `The section [${differ.title}](./${differ.slug}) says where our numbers differ from the original report's, and why.`
      : '> [!WARNING] No "where our numbers differ" section\n> The `report.md` of this results directory has no section whose title mentions how our numbers differ from the report\'s.',
    '',
    '## The run',
    '',
    manifest === null ? '_This results directory has no `manifest.json`._' : `${timingsMarkdown(manifest)}${manifestMarkdown(manifest)}`,
    '',
    `Files: ${files.length} (${assets.filter((f) => FIGURE.has(extname(f).toLowerCase())).length} figures, ${assets.filter((f) => f.endsWith('.csv')).length} CSV tables).`,
    '',
  ].join('\n');
  pages.unshift({ slug: 'index', title: 'Overview', markdown: index });
  return {
    pages,
    assets,
    sidebar: pages.map((p) => ({ text: p.title, link: p.slug === 'index' ? '/results/' : `/results/${p.slug}` })),
  };
}

/** The page shown when no results were generated, saying why and how to generate them. */
export function notGeneratedPage(reason: string): ResultsOutput {
  const markdown = [
    '# Results not generated',
    '',
    `This build of the site has no results: ${reason}`,
    '',
    'The results pages are generated from the output of `ffnn reproduce`. To build them:',
    '',
    '```sh',
    'pnpm build',
    'pnpm ffnn reproduce --profile quick --out results   # writes results/report.md, manifest.json, tables, figures',
    'FFNN_RESULTS=results pnpm docs:build                 # without FFNN_RESULTS: published-results/, the committed full run',
    '```',
    '',
  ].join('\n');
  return { pages: [{ slug: 'index', title: 'Results not generated', markdown }], assets: [], sidebar: [{ text: 'Results not generated', link: '/results/' }] };
}

/** Writes the pages to `pagesDir` and copies the assets to `assetsDir` (both emptied first). */
export function writeResults(out: ResultsOutput, resultsDir: string | null, pagesDir: string, assetsDir: string): void {
  rmSync(pagesDir, { recursive: true, force: true });
  rmSync(assetsDir, { recursive: true, force: true });
  mkdirSync(pagesDir, { recursive: true });
  for (const p of out.pages) writeFileSync(join(pagesDir, `${p.slug}.md`), p.markdown);
  if (resultsDir) {
    for (const f of out.assets) {
      mkdirSync(join(assetsDir, posix.dirname(f)), { recursive: true });
      cpSync(join(resultsDir, f), join(assetsDir, f));
    }
  }
}
