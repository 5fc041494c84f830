import { render } from 'preact';
import { App } from './app.js';
import { loadSession } from './session.js';

void loadSession();
render(<App />, document.getElementById('root')!);
