import type { Theme } from 'vitepress';
import DefaultTheme from 'vitepress/theme';
import MnistPlayground from './MnistPlayground.vue';
import RungePlayground from './RungePlayground.vue';
import './custom.css';

export default {
  extends: DefaultTheme,
  enhanceApp({ app }) {
    app.component('RungePlayground', RungePlayground);
    app.component('MnistPlayground', MnistPlayground);
  },
} satisfies Theme;
