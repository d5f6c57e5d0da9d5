// The core flows (core-flows.mjs) in Debian's Chromium, through chromedriver.
import { coreFlows } from './core-flows.mjs';
import { chosenEngines } from './engines.mjs';

if (chosenEngines().includes('chromium')) coreFlows('chromium');
