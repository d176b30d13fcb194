/** One UCR fee bracket as the template shows it. */
export interface UcrFeeBracket {
  power_units: string;
  fee: string;
}

/**
 * The UCR fee table per registration year (49 CFR 367; the UCR Board publishes it each year). The
 * fees change yearly, so they are data: the build gives the UCR reminder the table of the year it
 * is about, and `build.verticals.trucking.templateData.fee_brackets` (or the ucr segment's `data`)
 * overrides it. A year with no table here and none in config fails the dry run naming that key.
 */
export const UCR_FEE_BRACKETS: Readonly<Record<number, readonly UcrFeeBracket[]>> = {
  2027: [
    { power_units: '0–2', fee: '$46' },
    { power_units: '3–5', fee: '$138' },
    { power_units: '6–20', fee: '$276' },
    { power_units: '21–100', fee: '$963' },
    { power_units: '101–1,000', fee: '$4,592' },
    { power_units: '1,001 and more', fee: '$44,836' },
  ],
};
