/**
 * @packageDocumentation
 * `@thidua/domain/demo`: the Tây Ninh 2013 case as thidua commands, what
 * `thidua demo` runs and a worked example of the whole domain. Kept out of
 * the main entry: a backend recording its own campaigns never loads it.
 */

// The case's facts (bloc, units, chairs, criteria, ranks), its commands, and a runner.
export {
  BLOC_ID,
  CAMPAIGN_ID,
  CHAIR_2013,
  CHAIR_2014,
  CRITERIA,
  DEPUTY_2014,
  REVIEW_AT,
  UNITS,
  VERIFIED_POINTS,
  VOTED_RANKS,
  runTayNinh2013,
  tayNinh2013Commands,
  type TayNinh2013Run,
} from './tay-ninh-2013';
