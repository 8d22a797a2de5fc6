// The case lives in @thidua/domain/demo (what `thidua demo` runs); this example re-exports it under its old names.
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
} from '@thidua/domain/demo';
