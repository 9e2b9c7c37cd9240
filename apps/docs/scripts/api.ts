/** The API reference: TypeDoc + typedoc-plugin-markdown over every package's public entry points. */
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Application, type TypeDocOptions } from 'typedoc';
import type { PluginOptions } from 'typedoc-plugin-markdown';
import { anchorOf, barrelModules, splitByModule, symbolName, unescapeMath } from './api-split.js';

interface Pkg {
  dir: string;
  name: string;
  description: string;
  entries: string[];
}

function packages(repo: string): Pkg[] {
  const root = join(repo, 'packages');
  return readdirSync(root)
    .sort()
    .map((d) => join(root, d))
    .filter((dir) => existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'src/index.ts')))
    .map((dir) => {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name: string; description?: string };
      // Every public entry point: the main one and subpaths such as `@ffnn/datasets/node`.
      const entries = ['src/index.ts', 'src/node.ts'].filter((e) => existsSync(join(dir, e)));
      return { dir, name: pkg.name, description: pkg.description ?? '', entries };
    });
}

/** Writes `outDir/<package>/…` and `outDir/index.md`; returns the sidebar. */
export async function generateApi(repo: string, outDir: string): Promise<{ text: string; link?: string; collapsed?: boolean; items?: { text: string; link: string }[] }[]> {
  rmSync(outDir, { recursive: true, force: true });
  const list = packages(repo);
  const sidebar: { text: string; link?: string; collapsed?: boolean; items?: { text: string; link: string }[] }[] = [{ text: 'Overview', link: '/api/' }];
  const undocumented: string[] = [];
  const counts: Record<string, number> = {};
  for (const p of list) {
    const short = p.name.replace(/^@ffnn\//, '');
    const items: { text: string; link: string; collapsed: boolean; items: { text: string; link: string }[] }[] = [];
    for (const entry of p.entries) {
    const sub = entry === 'src/index.ts' ? '' : entry.replace(/^src\//, '').replace(/\.ts$/, '');
    const name = sub ? `${p.name}/${sub}` : p.name;
    const out = join(outDir, short, sub);
    const options: Partial<TypeDocOptions & PluginOptions> = {
      entryPoints: [join(p.dir, entry)],
      tsconfig: join(p.dir, 'tsconfig.json'),
      plugin: ['typedoc-plugin-markdown'],
      out,
      name,
      readme: 'none',
      entryFileName: 'index',
      outputFileStrategy: 'modules',
      hidePageHeader: true,
      hideBreadcrumbs: true,
      useCodeBlocks: true,
      parametersFormat: 'table',
      interfacePropertiesFormat: 'table',
      classPropertiesFormat: 'table',
      typeDeclarationFormat: 'table',
      expandObjects: false,
      sanitizeComments: true,
      excludePrivate: true,
      excludeInternal: true,
      disableSources: true,
      skipErrorChecking: true,
      logLevel: 'Warn',
      // Every export, and every property and method of an exported class or interface, needs a doc comment.
      validation: { notExported: false, invalidLink: true, notDocumented: true },
    };
    const app = await Application.bootstrapWithPlugins(options);
    const project = await app.convert();
    if (!project) throw new Error(`TypeDoc could not convert ${name}`);
    const before = undocumented.length;
    const warn = app.logger.validationWarning.bind(app.logger);
    app.logger.validationWarning = (message) => {
      if (/does not have any documentation/.test(String(message))) undocumented.push(`${name}: ${String(message)}`);
      else warn(message);
    };
    app.validate(project);
    counts[name] = undocumented.length - before;
    if (app.logger.hasErrors()) throw new Error(`TypeDoc validation of ${name} failed (see the messages above)`);
    await app.generateOutputs(project);
    const file = join(out, 'index.md');
    if (!existsSync(file)) throw new Error(`TypeDoc wrote no ${file}`);
    // One page per source module of the entry point's barrel, and an index page titled by the import path.
    const body = unescapeMath(readFileSync(file, 'utf8').replace(/^# .*\n+/, ''));
    const { preamble, pages } = splitByModule(body, barrelModules(readFileSync(join(p.dir, entry), 'utf8')));
    const base = `/api/${short}/${sub ? `${sub}/` : ''}`;
    const index = [`# ${name}`, '', p.description && !sub ? p.description : '', '', '```ts', `import { … } from '${name}';`, '```', '', preamble, '', '## Modules', ''];
    const moduleItems: { text: string; link: string }[] = [];
    for (const [page, m] of pages) {
      writeFileSync(join(out, `${page}.md`), `# ${name}: ${m.module.path}\n\n\`\`\`ts\nimport { ${m.symbols.map(symbolName).join(', ')} } from '${name}';\n\`\`\`\n\n${m.markdown}`);
      index.push(`### [${m.module.path}](./${page})`, '', m.symbols.map((s) => `[\`${s}\`](./${page}#${anchorOf(s)})`).join(' · '), '');
      moduleItems.push({ text: m.module.path, link: `${base}${page}` });
    }
    writeFileSync(file, index.join('\n').replace(/\n{3,}/g, '\n\n'));
    items.push({ text: name, link: base, collapsed: true, items: moduleItems });
    }
    sidebar.push(...items);
  }
  console.log(`API reference: undocumented exports ${Object.entries(counts).map(([n, c]) => `${n} ${c}`).join(', ')} (total ${undocumented.length})`);
  if (undocumented.length > 0) {
    // The reference is generated from the doc comments: an export without one is a page that says nothing.
    throw new Error(`${undocumented.length} exported members have no doc comment:\n  ${undocumented.join('\n  ')}`);
  }
  const index = [
    '# API reference',
    '',
    'Generated by TypeDoc from the TSDoc comments of each package\'s public entry points when the site was built.',
    '',
    '| package | what it is for |',
    '| --- | --- |',
    ...list.map((p) => `| [\`${p.name}\`](./${p.name.replace(/^@ffnn\//, '')}/) | ${p.description} |`),
    '',
  ].join('\n');
  writeFileSync(join(outDir, 'index.md'), index);
  return sidebar;
}
