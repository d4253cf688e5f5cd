export { Bridge, BridgeError, GuestLoadError, defaultGuestFile } from './host';
export type { BridgeOptions } from './host';
export { checkSurface } from './surface';
export type { NodeSurface, ClassSurface } from './surface';
export { refusedProcessMethods } from './guest-lockdown';
