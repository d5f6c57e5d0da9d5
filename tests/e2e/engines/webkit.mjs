// The core flows (core-flows.mjs) in WebKitGTK's MiniBrowser, through WebKitWebDriver on Xvfb.
import { coreFlows } from './core-flows.mjs';

coreFlows('webkit');
