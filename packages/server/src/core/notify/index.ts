// Notifications, the pure part: events, channels, what is sent, signatures, retries.
export * from './channel.js';
export * from './event.js';
export * from './message.js';
export * from './retry.js';
export * from './sign.js';
