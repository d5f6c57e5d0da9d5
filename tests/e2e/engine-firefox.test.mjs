// The core flows (core-flows.mjs) in Debian's Firefox ESR, through geckodriver.
import { coreFlows } from './core-flows.mjs';
import { chosenEngines } from './engines.mjs';

if (chosenEngines().includes('firefox')) coreFlows('firefox');
