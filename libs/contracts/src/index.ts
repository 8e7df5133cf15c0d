export * from './request-event';
