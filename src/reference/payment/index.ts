export * from '../../contracts/payment/payment-types.ts';
export { PaymentApiError } from './payment-api-error.ts';
export { loadPaymentSchemas, PAYMENT_SCHEMAS_PATH } from '../../contracts/payment/payment-schemas.ts';
export { loadTestCards, TestCardsError, DEFAULT_TEST_CARDS_FILE, type TestCard, type TestCards, type TestCardOutcome } from './test-cards.ts';
export { createCardVault, normaliseExpiry, type CardVault, type CardVaultOptions, type VaultedCard } from './card-vault.ts';
export { createAuthorisationLedger, type AuthorisationLedger, type AuthorisationLedgerOptions, type Recorded } from './authorisation-ledger.ts';
export { createReferencePaymentService, type ReferencePaymentService, type ReferencePaymentServiceOptions } from './reference-payment-service.ts';
