import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type DefaultTheme, defineConfig } from 'vitepress';

const docs = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The repository's web address: `repository` of the root package.json (a string or `{ url }`), the one place it is written. */
export function repositoryUrl(): string {
  const pkg = JSON.parse(readFileSync(join(docs, '../../package.json'), 'utf8')) as { repository?: string | { url?: string } };
  const raw = typeof pkg.repository === 'string' ? pkg.repository : pkg.repository?.url;
  if (!raw) throw new Error('docs: the root package.json has no repository field (the nav links to it)');
  const url = raw.replace(/^git\+/, '').replace(/\.git$/, '').replace(/^github:/, 'https://github.com/');
  return /^[\w.-]+\/[\w.-]+$/.test(url) ? `https://github.com/${url}` : url;
}

/** Sidebar entries written by scripts/generate.ts (results pages, API reference); empty before the first generate. */
function generatedSidebar(name: 'results' | 'api'): DefaultTheme.SidebarItem[] {
  const file = join(docs, '.generated', `${name}-sidebar.json`);
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as DefaultTheme.SidebarItem[]) : [];
}

const guides: DefaultTheme.SidebarItem[] = [
  {
    text: 'Start',
    items: [
      { text: 'What is ffnn, and the study', link: '/study' },
      { text: 'Getting started', link: '/getting-started' },
      { text: 'CLI reference', link: '/cli' },
    ],
  },
  {
    text: 'Guides',
    items: [
      { text: 'Regression', link: '/guides/regression' },
      { text: 'Classification', link: '/guides/classification' },
      { text: 'Your own CSV data', link: '/guides/csv' },
      { text: 'Gradient checking', link: '/guides/gradient-checking' },
      { text: 'Reproducibility and seeds', link: '/guides/reproducibility' },
      { text: 'Backends and threads', link: '/guides/backends' },
      { text: 'Saving and loading models', link: '/guides/saving-models' },
      { text: 'Running sweeps', link: '/guides/sweeps' },
      { text: 'When something is wrong', link: '/guides/errors' },
    ],
  },
];

const theory: DefaultTheme.SidebarItem[] = [
  {
    text: 'Theory (part a)',
    items: [
      { text: 'Overview and notation', link: '/theory/' },
      { text: 'Losses and output deltas', link: '/theory/losses' },
      { text: 'Activations', link: '/theory/activations' },
      { text: 'Backpropagation', link: '/theory/backpropagation' },
      { text: 'Optimizers', link: '/theory/optimizers' },
      { text: 'L1 and L2 penalties', link: '/theory/regularization' },
      { text: 'Gradient checking', link: '/theory/gradient-checking' },
    ],
  },
];

const explainItems: DefaultTheme.NavItemWithLink[] = [
  { text: 'Activations and their derivatives', link: '/explain/activations' },
  { text: 'One backpropagation, step by step', link: '/explain/backprop' },
  { text: 'Optimizers on a loss surface', link: '/explain/optimizers' },
];
const explain: DefaultTheme.SidebarItem = { text: 'Interactive explanations', items: explainItems };

export default defineConfig({
  title: 'ffnn',
  description: 'Feed-forward neural networks from first principles, in TypeScript.',
  lang: 'en-GB',
  head: [['link', { rel: 'icon', type: 'image/svg+xml', href: '/favicon.svg' }]],
  cleanUrls: false,
  lastUpdated: false,
  // Generated pages may link to files of a results directory that are not pages (CSV tables).
  ignoreDeadLinks: [/\.csv$/, /\.json$/],
  markdown: { math: true, lineNumbers: false },
  themeConfig: {
    logo: '/favicon.svg',
    nav: [
      { text: 'The study', link: '/study' },
      { text: 'Guide', link: '/getting-started' },
      { text: 'Theory', link: '/theory/' },
      { text: 'Results', link: '/results/' },
      { text: 'Playground', items: [{ text: 'Runge regression', link: '/playground/runge' }, { text: 'MNIST digits', link: '/playground/mnist' }, ...explainItems] },
      { text: 'API', link: '/api/' },
      { text: 'Changelog', link: '/changelog' },
    ],
    socialLinks: [{ icon: 'github', link: repositoryUrl(), ariaLabel: 'Source repository' }],
    sidebar: {
      '/study': guides,
      '/cli': guides,
      '/getting-started': guides,
      '/guides/': guides,
      '/theory/': [...theory, explain],
      '/results/': [{ text: 'Results', items: generatedSidebar('results') }],
      '/api/': [{ text: 'API reference', items: generatedSidebar('api') }],
      '/playground/': [{ text: 'Playground', items: [{ text: 'Runge regression', link: '/playground/runge' }, { text: 'MNIST digits', link: '/playground/mnist' }] }, explain],
      '/explain/': [explain, ...theory],
    },
    outline: { level: [2, 3] },
    search: { provider: 'local' },
    footer: { message: 'Results, command outputs and the API reference on this site are generated from the code they document.' },
  },
  vite: {
    // The playground imports the workspace packages' built ESM (`pnpm build` first); nothing to pre-bundle.
    optimizeDeps: { exclude: ['@ffnn/layers', '@ffnn/optim', '@ffnn/datasets', '@ffnn/tensor'] },
    build: { chunkSizeWarningLimit: 2000 },
  },
});
