/** The changelog page: pending changesets (.changeset/*.md) and every package's CHANGELOG.md. */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

function frontMatter(text: string): { bumps: [string, string][]; body: string } {
  const m = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?([\s\S]*)$/.exec(text);
  if (!m) return { bumps: [], body: text.trim() };
  const bumps = m[1]!
    .split(/\r?\n/)
    .map((l) => /^\s*["']?([^"':]+)["']?\s*:\s*(\w+)/.exec(l))
    .filter((x): x is RegExpExecArray => x !== null)
    .map((x) => [x[1]!.trim(), x[2]!] as [string, string]);
  return { bumps, body: m[2]!.trim() };
}

/** Demotes headings by `levels` so included changelogs nest under the page's headings. */
function demote(md: string, levels: number): string {
  return md.replace(/^(#{1,6})(\s)/gm, (_, h: string, s: string) => `${'#'.repeat(Math.min(6, h.length + levels))}${s}`);
}

export function changelogMarkdown(repo: string): string {
  const out: string[] = ['# Changelog', '', 'Generated from the repository\'s changesets when the site was built.', ''];
  const dir = join(repo, '.changeset');
  const pending = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.md') && f !== 'README.md').sort() : [];
  out.push('## Unreleased', '');
  if (pending.length === 0) out.push('No pending changesets.', '');
  for (const f of pending) {
    const { bumps, body } = frontMatter(readFileSync(join(dir, f), 'utf8'));
    const packages = bumps.map(([p, b]) => `\`${p}\` (${b})`).join(', ');
    out.push(`- ${body.replace(/\s*\n\s*/g, ' ')}${packages ? `\n\n  <small>${packages} · <code>.changeset/${f}</code></small>` : ''}`, '');
  }
  const logs: [string, string][] = [];
  for (const group of ['packages', 'apps']) {
    const g = join(repo, group);
    if (!existsSync(g)) continue;
    for (const name of readdirSync(g).sort()) {
      const file = join(g, name, 'CHANGELOG.md');
      if (existsSync(file)) logs.push([`${group}/${name}`, readFileSync(file, 'utf8')]);
    }
  }
  out.push('## Released versions', '');
  if (logs.length === 0) out.push('No version has been released yet (no CHANGELOG.md files; `pnpm version-packages` writes them).', '');
  for (const [where, text] of logs) {
    const body = text.replace(/^#\s+.*\n/, '').trim();
    out.push(`### ${where}`, '', demote(body, 2), '');
  }
  return `${out.join('\n')}\n`;
}
