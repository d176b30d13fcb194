/**
 * The footer's sender block every deployment configures (`build.verticals.<v>.templateData.sender`,
 * the CAN-SPAM postal address): made-up values for CLI tests whose dry runs render the templates.
 */
export const TEST_SENDER = {
  name: 'Example Compliance',
  street: '1 Main St',
  city: 'Denver',
  state: 'CO',
  zip: '80202',
  reply_to: 'help@example.com',
  disclaimer: 'A private filing service.',
} as const;
