// The core flows (core-flows.mjs) in Debian's Firefox ESR, through geckodriver.
import { coreFlows } from './core-flows.mjs';

coreFlows('firefox');
