// The renderer's entry: Pinia, the theme, the connection to the engine that served this page,
// and what to load each time the connection opens.
import { createPinia } from 'pinia';
import { createApp, watch } from 'vue';
import App from './App.vue';
import { useBenchStore } from './stores/bench';
import { useConnectionStore } from './stores/connection';
import { useHistoryStore } from './stores/history';
import { useThemeStore } from './stores/theme';
import { resumeWatching } from './stores/resume-watching';
import './styles/theme.css';

const app = createApp(App);
app.use(createPinia());
useThemeStore();

const conn = useConnectionStore();
const bench = useBenchStore();
const history = useHistoryStore();
let first = true;
watch(
  () => conn.state,
  (state) => {
    if (state !== 'open') return;
    void bench.refresh().catch(() => undefined);
    void history.refresh();
    if (first) void resumeWatching();
    first = false;
  },
);
void conn.connect();
app.mount('#app');
