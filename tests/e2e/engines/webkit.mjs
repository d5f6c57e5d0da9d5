// The core flows (core-flows.mjs) in WebKitGTK's MiniBrowser, through WebKitWebDriver under Xvfb.
import { coreFlows } from './core-flows.mjs';

coreFlows('webkit');
