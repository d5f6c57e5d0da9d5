// The core flows (core-flows.mjs) in Debian's Chromium, through chromedriver.
import { coreFlows } from './core-flows.mjs';

coreFlows('chromium');
