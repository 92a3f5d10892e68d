// The explicit list of commands, shared by the router and the deploy script.
import blocklist from './blocklist.js';
import budget from './budget/index.js';
import history from './history.js';
import imagine from './imagine.js';
import settings from './settings.js';
import style from './style.js';
import usage from './usage.js';

export const commands = [imagine, usage, budget, blocklist, style, settings, history] as const;
