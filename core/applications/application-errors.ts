/** Domain failures carry a stable code; channels map codes to their own words. */
export class ApplicationError extends Error {
  override name = 'ApplicationError';
  constructor(readonly code: 'not-found' | 'not-submittable' | 'document-missing', message: string) {
    super(message);
  }
}
