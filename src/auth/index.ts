export { ALL_MESSAGES, maySpeakForAirline, mayUseMessage, type ApiClient, type ClientLimits } from './api-client.ts';
export { digestOfEntry, digestOfKey, hashApiKey, isApiKeyHash, matchesAnyDigest } from './api-key.ts';
export { CLIENTS_FILE_SCHEMA, ClientsFileError, checkClientEntries, keysInClear, loadClientsFile, type ClientEntry } from './clients-file.ts';
export { DEMO_API_KEY, DEMO_CLIENT_ENTRY, createClientRegistry, loadClientRegistry, type ClientMode, type ClientRegistry } from './client-registry.ts';
export { AIRLINE_EVENT_COMMAND, checkAirlinePermission, checkCommandAirline, checkMessagePermission } from './message-permission.ts';
