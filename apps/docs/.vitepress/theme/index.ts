import type { Theme } from 'vitepress';
import { onMounted } from 'vue';
import DefaultTheme from 'vitepress/theme';
import ActivationExplorer from './ActivationExplorer.vue';
import BackpropStepper from './BackpropStepper.vue';
import MnistPlayground from './MnistPlayground.vue';
import OptimizerPaths from './OptimizerPaths.vue';
import RungePlayground from './RungePlayground.vue';
import './custom.css';

export default {
  extends: DefaultTheme,
  setup() {
    onMounted(() => {
      // Click-to-zoom for figures marked data-zoomable (results pages): the figure at full size in an
      // overlay that scrolls both ways; a click or Escape closes it. Delegated, so it survives navigation.
      document.addEventListener('click', (e) => {
        const img = (e.target as Element | null)?.closest?.('img[data-zoomable]') as HTMLImageElement | null;
        if (!img) return;
        e.preventDefault();
        const overlay = document.createElement('div');
        overlay.className = 'ffnn-zoom';
        overlay.setAttribute('role', 'dialog');
        overlay.setAttribute('aria-label', `${img.alt} (full size; click or press Escape to close)`);
        overlay.dataset.testid = 'zoom';
        const big = document.createElement('img');
        big.src = img.currentSrc || img.src;
        big.alt = img.alt;
        const natural = Number(img.dataset.naturalWidth) || img.naturalWidth;
        // Full size, and at least the width of the screen: a zoom never shows a figure smaller than the page did.
        big.style.width = `${Math.max(natural, Math.min(window.innerWidth - 32, natural * 1.5))}px`;
        overlay.append(big);
        const close = () => {
          overlay.remove();
          document.removeEventListener('keydown', onKey);
        };
        const onKey = (k: KeyboardEvent) => {
          if (k.key === 'Escape') close();
        };
        overlay.addEventListener('click', close);
        document.addEventListener('keydown', onKey);
        document.body.append(overlay);
      });
    });
  },
  enhanceApp({ app }) {
    app.component('RungePlayground', RungePlayground);
    app.component('MnistPlayground', MnistPlayground);
    app.component('ActivationExplorer', ActivationExplorer);
    app.component('BackpropStepper', BackpropStepper);
    app.component('OptimizerPaths', OptimizerPaths);
  },
} satisfies Theme;
