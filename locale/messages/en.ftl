# Funnel's diagnostics in English.
#
# Every text a person reads in a diagnostic lives here and in pt-BR.ftl, under the same keys
# (the tests in locale/tests/ fail when a key, or a variable of a key, is missing in either).
# A key starts with the diagnostic's code (`unknown_field-...`), or with `syntax`, `check`,
# `common`, `noun`, `io` or `reload` for texts several codes share; `code-NAME` says what a code
# means. Values in `{ $name }` are filled in by Funnel; plural and other choices use Fluent's
# selectors: https://projectfluent.org/fluent/guide/selectors.html


## code

code-always_present = A presence test on a required field, which always has a value.
code-ambiguous_duration = A duration that likely does not mean what it says: days of open time on a calendar, or minutes in a decay.
code-bad_calendar = A calendar with impossible hours or never open.
code-bad_clamp = A `clamp` whose bounds are reversed.
code-bad_date = A date or datetime that does not exist.
code-bad_decay = A `decay` with an impossible rate or period.
code-bad_duration = A duration that is zero or negative where a positive one is needed.
code-bad_input = A field's input modifier (`map`, `true`/`false`, `decimal`, `format`) that does not fit its type, or that reads one input text two ways.
code-bad_key = A `key` field that cannot identify a lead.
code-bad_lead = A lead that does not fit the schema.
code-bad_metric = A metric written in a way that has no meaning, such as a window on `leads`.
code-bad_number = A number out of its allowed range.
code-bad_regex = A regular expression that does not compile.
code-bad_script = A script that cannot be loaded or does not provide what it declares.
code-bad_sla = An SLA clause that is incomplete or inconsistent.
code-bad_stage = A stage line that breaks the rules of `stages`.
code-bad_table = A `table` whose rows cannot be placed in periods or hold nested values.
code-bad_test = A `test` block that is incomplete or whose lead does not fit the schema.
code-cycle = A definition that depends on itself.
code-duplicate_definition = Two definitions share one name.
code-duplicate_policy_header = A policy set has more than one `policy` header.
code-evaluation = An error while evaluating a lead.
code-indented_block = A top-level block whose keyword is not in column 1 (a warning: the block is read, and `funnel fmt` moves it).
code-internal = A failure inside Funnel itself (a bug): the message says where; please report it with the files that caused it.
code-io = A file or directory could not be read.
code-lead_field_in_where = A condition about the lead inside a list's `where` filter, joined by `and`/`or`.
code-misplaced_aggregate = An aggregate over `leads` outside a metric, or a lead field outside an aggregate in a metric.
code-missing_else = A grade without an `else` letter.
code-missing_otherwise = A route without a final `otherwise` branch.
code-no_lead_schema = No `schema lead` describes the leads.
code-no_policy_files = A policy directory holds no `.funnel` file.
code-no_policy_header = A policy set has no `policy` header.
code-non_ascii_name = A name with a letter outside ASCII, such as `funcionários`: names are ASCII letters, digits and `_`.
code-syntax = The text does not follow the language's grammar.
code-thresholds_out_of_order = Grade thresholds that are not in descending order.
code-type_mismatch = An expression of one type where another is needed.
code-unknown_calendar = A calendar that is not defined.
code-unknown_enum_value = A value that is not one of the enum's values.
code-unknown_field = A field that the record's schema does not have.
code-unknown_function = A function that is neither built in nor declared by a script.
code-unknown_holiday_set = A built-in holiday set that does not exist.
code-unknown_name = A name that is not a field, let, score or other definition.
code-unknown_persona = A persona that is not defined.
code-unknown_score = A score that is not defined.
code-unknown_sla = An SLA that is not defined.
code-unknown_stage = A stage that is not listed in `stages`.
code-unknown_timezone = A time zone that is not an IANA name.
code-unknown_type = A type name that is neither built in nor a schema.
code-unreachable_grade = A grade band no score can reach.
code-unreachable_route = A route branch no lead can reach.
code-unreachable_stage = A stage no lead can reach.
code-unused_calendar = A calendar that no SLA uses.
code-unused_persona = A persona that no score, stage, route or SLA uses.
code-wrong_arity = A function called with the wrong number of arguments.
code-zero_points = A score rule worth 0 points.

## noun

noun-calendar = calendar
noun-field = field
noun-function = function
noun-holiday-set = holiday set
noun-let = let
noun-metric = metric
noun-metric-or-aggregate-sla = metric or aggregate SLA
noun-persona = persona
noun-score = score
noun-script-function = script function
noun-script-limit = script limit
noun-sla = SLA
noun-stage = stage
noun-table = table
noun-type = type
noun-value = value

## common

common-and-more-errors = {" "}(and { $count ->
        [1] 1 more error
       *[other] { $count } more errors
    })
common-cannot-start-watcher = cannot start the watcher: { $e }
common-cannot-watch = cannot watch { $dir }: { $e }
common-defined-label = not defined
common-did-you-mean-help = did you mean `{ $name }`?
common-funnel-failed-while = Funnel failed while { $doing }: { $message }
common-holds-several-policy-sets = { $as_ref } holds several policy sets; name one of them
common-no-named = no { $kind } named `{ $name }`
common-no-policy-files = no policy files
common-none-defined-help = no { $what } is defined
common-percent-or-as-written = `100%` (or `{ $written }%`)
common-policy-did-compile = the policy did not compile
common-policy-served-unchanged-next-help = the policy served is unchanged and the next edit is loaded as usual; please report this with the files that caused it
common-see-also = see also { $file }
common-the-names-are-help = the { $what }s are: { $names }
common-the-names-include-help = the { $what }s include: { $names }, ...
common-unknown-label = unknown { $kind }

## syntax

syntax-add-that-closes-line = add the `{"}"}` that closes `{ $first }` (line { $line }); a block ends before the next line that starts with a keyword
syntax-applies-when = `applies when`
syntax-ascii-letter-label = `{ $first }` is not an ASCII letter
syntax-block-indented-top-level = the block `{ $keyword }` is indented: a top-level block starts in column 1
syntax-block-nested-too-deeply = this block is nested too deeply to read
syntax-block-starts-one-these-help = a block starts with one of these words in the first column: { $keywords }
syntax-business-days-count-calendar = , or `{ $count } business days` to count the calendar's open days
syntax-column-label = in column { $column }
syntax-commitment-at-least = a commitment (`at least ...`)
syntax-count-days-d = count { $days } days a { $name ->
        [month] month
       *[year] year
    }, as in `{ $days }d`
syntax-date-label = not a date
syntax-dates-are-written-year-help = dates are written year-month-day, as in `2026-12-25`
syntax-duration = `{ $written }` is not a duration
syntax-duration-too-long = this duration is too long
syntax-duration-units-help = { $fix }{ $business }; a duration is a whole number and a unit, without a space: `w` (weeks), `d` (days), `h` (hours), `m` (minutes) or `s` (seconds), as in `30d` or `4h 15m`
syntax-else-before-band-label = `else` before a band
syntax-else-letter-must-come = the `else` letter must come after every band
syntax-end-file = the end of the file
syntax-end-line = the end of the line
syntax-escape-text-can-contain = `{ $bad }` is not an escape a text can contain
syntax-escapes-text-are-n = the escapes in a text are `\"`, `\\`, `\n`, `\t` and `\u{"{"}e9{"}"}`
syntax-expected-block-such-score = expected a block such as `score NAME {"{"} ... {"}"}` or `stages {"{"} ... {"}"}`, found { $found_words }
syntax-expected-found = expected { $expected }, found { $found_words }
syntax-expected-here = expected { $p } here
syntax-expression-has-more-than = this expression has more than { $max_nesting } `not` or `-` signs
syntax-expression-too-long-label = expression too long
syntax-expression-too-long-more = this expression is too long (more than { $max_tree_depth } operations inside one another)
syntax-given-again-here-label = given again here
syntax-given-twice-block = { $what } is given twice in this block
syntax-has-invalid-time = `{ $text }` has an invalid time: { $bad }
syntax-hours-from-00-23 = hours go from 00 to 23
syntax-inside-any-block-label = not inside any block
syntax-invalid-escape-label = invalid escape
syntax-invalid-time-label = invalid time
syntax-keep-only-one-help = keep only one
syntax-label-optional-but-must = the label is optional, but it must be a text in double quotes
syntax-language-has-no = the language has no { $name ->
        [month] months
       *[year] years
    }
syntax-list-or = { $init } or { $last }
syntax-met-by = `met by`
syntax-minutes-from-00-59 = minutes go from 00 to 59
syntax-move-else-end-grade-help = move `else` to the end of the grade
syntax-move-per-lead-lines-help = move the per-lead lines into an SLA of their own
syntax-nested-too-deeply-label = nested too deeply
syntax-nested-too-deeply-more = this is nested too deeply (more than { $max_nesting } levels)
syntax-next-block-line = the next block (line { $line })
syntax-no-space-before-unit = no space before the unit
syntax-number-starts-decimals-does = `{ $written }` is not a number: `.` starts the decimals, it does not separate thousands
syntax-number-too-large = the number `{ $text }` is too large
syntax-per-lead-line-aggregate-label = a per-lead line in an aggregate SLA
syntax-phrase-action = an action (`escalate "..."`, `notify "..."` or `recycle to STAGE`)
syntax-phrase-band = a band such as `A >= 70`
syntax-phrase-calendar-line = a calendar line such as `mon-fri 09:00-18:00`
syntax-phrase-condition = a condition
syntax-phrase-date = a date such as `2026-12-25`
syntax-phrase-duration = a duration such as `30d`
syntax-phrase-end-line = the end of the line
syntax-phrase-expression = an expression
syntax-phrase-field = a field such as `email: text`
syntax-phrase-function = a function such as `fn tier(email: text) -> int`
syntax-phrase-header-line = a header line (`timezone "..."`, `owner TEAM "Name"`)
syntax-phrase-list = a list such as `events`
syntax-phrase-modifier = a modifier (`key`, `from "Column"`, `missing "..."`, `map VALUE from "..."`, ...)
syntax-phrase-name = a name
syntax-phrase-new-block-at-start = a new block at the start of a line
syntax-phrase-number = a number
syntax-phrase-number-business-days = a number of business days such as `3 business days`
syntax-phrase-number-percent = a number or a percent such as `50%`
syntax-phrase-opening-hours = opening hours such as `09:00-12:00`
syntax-phrase-operator = an operator (`==`, `and`, ...)
syntax-phrase-parameter = a parameter such as `email: text`
syntax-phrase-percent = a percent such as `75%`
syntax-phrase-period = a period (`day`, `week`, `month` or `quarter`)
syntax-phrase-points-with-sign = points with a sign, such as `+10`
syntax-phrase-record = a record such as `{"{"} id: "t1" {"}"}`
syntax-phrase-route = a route such as `sales when fit >= 50`
syntax-phrase-score-rule = a score rule such as `+10 when ...`
syntax-phrase-setting = a setting such as `operations 100_000`
syntax-phrase-sla-line = an SLA line such as `within 4h` or `starts at ...`
syntax-phrase-stage = a stage such as `mql when fit >= 40`
syntax-phrase-test-line = a test line (`given lead ...`, `given leads ...`, `at ...` or `expect ...`)
syntax-phrase-text-in-double-quotes = a text in double quotes
syntax-phrase-time = a time such as `09:00`
syntax-phrase-token = `>=` or `>`
syntax-phrase-token-2 = `P% every D` or `half-life D`
syntax-phrase-token-3 = `least` or `most`
syntax-phrase-token-4 = `leads reach STAGE`, `of leads reaching STAGE reach STAGE` or `of SLA met`
syntax-phrase-token-5 = `per PERIOD by ...`, such as `per month by created_at`
syntax-phrase-type = a type such as `text` or `list<event>`
syntax-phrase-weekday = a weekday (`mon` to `sun`)
syntax-remove-spaces-before-funnel-help = remove the spaces before `{ $keyword }` (`funnel fmt` does it); only the lines inside a block are indented
syntax-rename-ascii-letters-digits = rename it with ASCII letters, digits and `_` (texts in double quotes may use any letter)
syntax-route-reads-name-when = a route reads `NAME when CONDITION`, and the last one `NAME otherwise`
syntax-score-rule-reads-10 = a score rule reads `+10 when CONDITION` or `+2 per event where CONDITION`
syntax-script-limits = `script limits`
syntax-seconds-from-00-59 = seconds go from 00 to 59
syntax-sla-either-deadline-per = an SLA is either a deadline per lead or a commitment over a period, not both
syntax-split-deep-expressions-into-help = split deep expressions into smaller pieces with `let NAME = ...`
syntax-split-into-smaller-pieces-help = split it into smaller pieces with `let NAME = ...`
syntax-stage-reads-name-when = a stage reads `NAME when CONDITION` (the first stage has no condition)
syntax-starts-at = `starts at`
syntax-target-at-least = a target (`at least ...`)
syntax-text-ends-line-where = a text ends on the line where it starts: close it with `"`
syntax-text-has-no-closing = this text has no closing `"`
syntax-text-missing-closing = this text is missing its closing `"`
syntax-text-without-closing-quote = a text without its closing `"`
syntax-thousands-separated-by-label = thousands separated by `.`
syntax-time-day = `{ $text }` is not a time of day
syntax-time-label = not a time
syntax-too-large-label = too large
syntax-too-long-label = too long
syntax-too-many-prefix-operators-label = too many prefix operators
syntax-u-valid-character = `\u{"{"}{ $bad }{"}"}` is not a valid character
syntax-unexpected = unexpected { $found_words }
syntax-unexpected-2 = unexpected `{ $t }`
syntax-unexpected-end = unexpected end
syntax-unit-duration = `{ $word }` is not a unit of duration
syntax-unknown-escape-label = unknown escape
syntax-use-compare = use `==` to compare
syntax-valid-date = `{ $text }` is not a valid date
syntax-valid-name-names-are = `{ $written }` is not a valid name: names are made of ASCII letters, digits and `_`
syntax-warn-at = `warn at`
syntax-write = write `{ $a }`
syntax-write-2 = write `{ $count }{ $c }`
syntax-write-accept-either = write `or` to accept either
syntax-write-d-counting-days = write `{ $total }d`, counting { $days } days a { $name ->
        [month] month
       *[year] year
    }
syntax-write-ge-or-le = write `>=` or `<=`
syntax-write-hours-from-00-help = write hours from `00:00` to `24:00`
syntax-write-if-input-calls = write `{ $a }`; if the input calls the field `{ $written }`, add `from "{ $written }"` after its type
syntax-write-if-input-writes = write `{ $a }`; if the input writes `{ $written }`, add `map { $a } from "{ $written }"` after the type
syntax-write-may-separate-thousands-help = write `{ $grouped }{ $fraction }` (or `{ $concat }{ $fraction }`): `_` may separate the thousands
syntax-write-negate-compare = write `not` to negate, or `!=` to compare
syntax-write-points-sign = write the points with a sign: `+{ $number }` or `-{ $number }`
syntax-write-require-both = write `and` to require both
syntax-write-text-double-quotes = write text in double quotes: `"..."`
syntax-write-unicode-code-point-help = write a Unicode code point in hexadecimal, as in `\u{"{"}e9{"}"}`
syntax-write-unit-language-has = write a unit the language has

## check

check-1-business-day = 1 business day
check-add-duration-datetime-created = add a duration to a datetime: `created_at + 30d`
check-already-reads = { $word } already reads as { $builtin }
check-applies-when = `applies when`
check-argument = an argument of `{ $name }`
check-argument-2 = the argument of `{ $name }`
check-arguments = the arguments of `{ $name }`
check-arithmetic-works-numbers-datetimes = arithmetic works on numbers, and on datetimes with durations
check-at-least = at least { $min }
check-between-bounds = `between` bounds
check-both-branches-if = both branches of `if`
check-business-days = { $days } business days
check-call = call it as `{ $sig }`
check-condition-if = the condition of `if`
check-date-has-no-time = a date has no time of day; use a datetime such as `created_at` or `2026-11-26T10:00:00-03:00`
check-dates-datetimes = dates and datetimes
check-decimal-separator = { $separator } is not a decimal separator
check-declare-field-schema-lead = declare it as a field in `schema lead`, or define it with `let`
check-defined = `{ $name }` is defined as a { $noun } and as a { $noun2 }
check-defined-twice = the { $noun } `{ $name }` is defined twice
check-definitions-all = { $steps } -> ... ({ $len } definitions in all) -> { $first }
check-did-you-mean = did you mean `{ $b }`?
check-did-you-mean-2 = did you mean `{ $s }`?
check-digits-round = the digits of `round`
check-enum-values = enum values
check-expect-line = an `expect` line
check-figure-signature = { $name }(NAME, "PERIOD") or { $name }(NAME, "PERIOD", "SEGMENT")
check-funnel-stage-funnel-stage = funnel(STAGE) or funnel(STAGE, "PERIOD")
check-has-no-split-by = `{ $name }` has no `split by`: expect its total, `{ $name2 }({ $name3 }, "PERIOD")`
check-hours = { $hours } hours
check-instant-after-at = the instant after `at`
check-instant-after-since = the instant after `since`
check-items-list = the items of a list
check-lacks-required-field = this { $def } lacks the required field { $field }
check-lacks-required-fields = this { $def } lacks the required fields { $fields }
check-left-side = the left side of `{ $opname }`
check-left-side-matches = the left side of `matches`
check-len-text-list = len(text or list)
check-list-every-branch-one = list every branch in one block
check-list-every-stage-first = list every stage, first to last, in one block
check-listed-twice = { $word } is listed twice
check-mapped-both = { $text } is mapped to both `{ $to }` and `{ $now }`
check-mapped-twice = { $text } is mapped twice
check-met-by = `met by`
check-metric-aggregate-sla = metric or aggregate SLA
check-min-or-max = { $min } or { $max }
check-minutes = { $minutes } minutes
check-missing-text-mapped = { $text } is a `missing` text and is mapped to `{ $to }`
check-no-field-lead-schema = no field `{ $name }` in the lead schema
check-no-header-any-file = no header in any file of the set
check-no-record = no { $field } in this record
check-no-stages-any-file = no stages in any file of this policy
check-numbers-are-written-without = numbers are written without quotes: `{ $n }`, not `{ $written }`
check-one-minute = one minute
check-operand = the operand of `not`
check-operand-2 = an operand of `and`
check-operand-3 = an operand of `or`
check-period = the period
check-persona-condition = a persona condition
check-position-nth = the position in `nth`
check-reads-both-true-false = { $word } reads as both true and false
check-record = record `{ $record }`
check-report-funnel = the report's funnel
check-right-side = the right side of `{ $opname }`
check-right-side-any = the right side of `{ $opname } any`
check-round-number-round-number = round(number) or round(number, digits)
check-route-condition = a route condition
check-rows-are-written = its rows are written { $forms }
check-seconds = { $seconds } seconds
check-segment = the segment
check-stage-condition = a stage condition
check-starts-at = `starts at`
check-text-use-number-field = this is text; use a number field, a score, or a count such as `count events where ...`
check-text-written-quotes-300 = text is written in quotes: `"300"`
check-these-fields-are-record = these fields are not in this record
check-two-datetimes-can-subtracted = two datetimes can be subtracted (giving a duration), not added
check-unknown-name = unknown name `{ $name }`
check-use-datetime-field-such = use a datetime field such as `created_at`, or the time of an item: `first(events).at`
check-use-iana-name-such = use an IANA name such as "America/Sao_Paulo" or "UTC"
check-use-number-field-score = use a number field, a score, or a count such as `count events where ...`
check-use-persona-write-persona = to use a persona, write `persona { $name }`
check-use-score-30-when = use it in a score (`+30 when persona { $p }`), a stage or a route, or remove it
check-value = a value of `{ $def }`
check-value-after-per = the value after `per`
check-value-looked = the value looked for
check-was-read = it was not read
check-when-condition = a `when` condition
check-where-condition = a `where` condition
check-which-value-here = `{ $name }` is a { $noun }, which is not a value here
check-whole-hours = { $hours } { $count ->
        [1] hour
       *[other] hours
    }
check-whole-number-needed-here = a whole number is needed here: use `round(...)`
check-write-duration-such-30d = write a duration such as `30d`, `4h` or `2w`
check-write-open-hours-within = write the open hours: `within { $hours } of { $name }`
check-write-percent = write it as a percent: { $percent }
check-write-warn-at-75 = write `warn at 75%`: a warning once three quarters of the time is used
check-write-within-business-open = write `within { $n } business { $day_word } of { $name }`, or the open hours: `within { $hours } of { $name }`

## io

io-larger-than-mib-most = larger than { $mib } MiB, the most a policy file or script may be
io-no-files = no .{ $extension } files in { $dir }
io-no-such-file-directory = no such file or directory
io-outside-policy-directory = { $real } is outside the policy directory { $root }
io-permission-denied = permission denied
io-policy-directory = the policy directory { $root }: { $reason }
io-policy-files-must-regular-help = policy files must be regular files inside the policy directory (after following symlinks)
io-regular-file = not a regular file
io-text = { $path }: { $reason }
io-text-2 = { $name }: { $reason }
io-text-3 = { $f }: { $reason }
io-text-4 = { $path }: { $reason }
io-utf-8-text-invalid = not UTF-8 text (an invalid byte at offset { $valid_up_to })

## reload

reload-following-policy-files = following the policy's files
reload-loading-policy = loading the policy
reload-reading-checking-policy = reading and checking the policy
reload-watcher-stopped = the watcher stopped

## always_present

always_present-declare-optional-remove-test-help = declare it optional (`{ $name }: ...?`) or remove the test
always_present-required-field-label = a required field
always_present-required-so-never-missing = `{ $name }` is required, so it is never missing

## ambiguous_duration

ambiguous_duration-about-business-days-hours-label = about { $days } business days of { $day_hours } hours
ambiguous_duration-durations-m-means-minutes = `{ $text }` is { $length }: in durations `m` means minutes
ambiguous_duration-hours-open-time-label = hours of open time
ambiguous_duration-minutes-months-label = minutes, not months
ambiguous_duration-open-time = `{ $text }` of `{ $name }` is { $hours } of open time, not { $days }
ambiguous_duration-there-are-no-months-help = there are no months: write `30d` for about a month; for minutes, write seconds (`60s`) to silence this

## bad_calendar

bad_calendar-add-opening-hours-such-help = add opening hours such as `mon-fri 09:00-18:00`
bad_calendar-add-timezone-america-sao-help = add `timezone "America/Sao_Paulo"` (an IANA name)
bad_calendar-calendar-has-no-time = the calendar `{ $name }` has no time zone
bad_calendar-calendar-never-open = the calendar `{ $name }` is never open
bad_calendar-date-label = not a date
bad_calendar-day-range-must-run = a day range must run from an earlier to a later weekday
bad_calendar-days-run-from-monday-help = days run from Monday to Sunday: write `mon-fri`, or split a range over the weekend into `fri-sun` and `mon`
bad_calendar-holiday-date-such-2026 = a holiday is a date such as 2026-12-25
bad_calendar-impossible-interval-label = impossible interval
bad_calendar-no-opening-hours-label = no opening hours
bad_calendar-opening-hours-need-zone-label = opening hours need a zone
bad_calendar-opening-interval-must-open = an opening interval must open and close at different times of one day
bad_calendar-reversed-day-range-label = reversed day range
bad_calendar-write-intervals-hh-mm-help = write intervals as HH:MM-HH:MM, e.g. 09:00-18:00 (24:00 may close a day)

## bad_clamp

bad_clamp-clamp-has-bounds-reversed = `clamp { $lo }..{ $hi }` has its bounds reversed
bad_clamp-low-bound-above-high-label = the low bound is above the high bound
bad_clamp-write-clamp-help = write `clamp { $hi }..{ $lo }`

## bad_date

bad_date-date = { $text } is not a date
bad_date-invalid-datetime-label = invalid datetime
bad_date-no-such-day-label = no such day
bad_date-valid-datetime = { $text } is not a valid datetime: { $e }
bad_date-write-dates-yyyy-mm-help = write dates as YYYY-MM-DD with a real month and day
bad_date-write-rfc-3339-offset-help = write RFC 3339 with an offset: 2026-11-26T10:00:00-03:00

## bad_decay

bad_decay-decay-must-positive-duration = the { $what } of a decay must be a positive duration
bad_decay-decay-rate-must-percent = a decay rate must be a percent above 0% and at most 100%
bad_decay-positive-duration-label = not a positive duration
bad_decay-rate-label = not a rate
bad_decay-write-decay-help = write `decay 50% every 30d since ...`
bad_decay-write-duration-such-30d-help = write a duration such as `30d` or `2w`

## bad_duration

bad_duration-number-business-days-must = a number of business days must be a whole number of at least 1
bad_duration-positive-duration-label = not a positive duration
bad_duration-sla-deadline-must-positive = an SLA's deadline must be a positive duration
bad_duration-whole-number-from-1-label = not a whole number from 1 up
bad_duration-write-duration-such-4h-help = write a duration such as `4h` or `2d 4h`
bad_duration-write-within-1-business-help = write `within 1 business day of ...` or `within 3 business days of ...`

## bad_input

bad_input-already-value = `{ $text }` is already a value of { $what }
bad_input-bad-date-format = bad date format: { $reason }
bad_input-date-format-lacks = `{ $pattern }` has no { $part }
bad_input-date-format-twice = `{ $pattern }` gives the { $part } twice
bad_input-date-format-unknown-part = `{ $word }` is not a part of a date format (write dd, mm, yyyy, hh, mm and ss)
bad_input-date-format-without = `{ $pattern }` gives the { $part } without the { $needed }
bad_input-date-part-day = day (dd)
bad_input-date-part-hour = hour (hh)
bad_input-date-part-minutes = minutes (mm after hh)
bad_input-date-part-month = month (mm)
bad_input-date-part-seconds = seconds (ss)
bad_input-date-part-separator = separator
bad_input-date-part-year = year (yyyy)
bad_input-every-bool-reads-true-help = every bool reads true/false, yes/no, y/n, sim/não and 1/0 in any case; remove it
bad_input-field-type-label = `{ $modifier }` on a field of type { $found }
bad_input-first-listed-here-label = first listed here
bad_input-first-mapped-here-label = first mapped here
bad_input-format-label = this format
bad_input-input-text-reads-one-help = an input text reads as one value: remove one of the two
bad_input-listed-again-here-label = listed again here
bad_input-listed-here-label = listed as { $meaning } here
bad_input-mapped-again-here-label = mapped again here
bad_input-mapped-here-label = mapped here
bad_input-missing-here-label = missing here
bad_input-missing-text-reads-missing-help = a `missing` text reads as missing: remove it from one of the two
bad_input-reads-but = `{ $modifier }` reads { $reads }, but `{ $name }` is { $found }
bad_input-reads-itself-label = reads as `{ $text }` itself
bad_input-remove-give-type-reads-help = remove `{ $modifier }`, or give `{ $name }` a type it reads
bad_input-remove-value-own-name-help = remove it: a value's own name always reads as that value
bad_input-text-label = not `,` or `.`
bad_input-word-reads-one-bool-help = a word reads as one bool (in any case): remove one of the two
bad_input-write-day-month-year-help = write the day, month and year as dd, mm and yyyy, and a time as hh:mm or hh:mm:ss, e.g. "dd/mm/yyyy hh:mm"
bad_input-write-decimal-1-234-help = write `decimal ","` for 1.234,56 or `decimal "."` for 1,234.56

## bad_key

bad_key-every-lead-needs-key-label = every lead needs its key
bad_key-first-key-label = first key
bad_key-has-more-than-one = `{ $name }` has more than one `key` field
bad_key-key-field-cannot-optional = the key field `{ $name }` cannot be optional
bad_key-key-field-must-text = the key field `{ $name }` must be text or int
bad_key-key-must-text-int-label = a key must be text or int
bad_key-lead-has-one-identity-help = a lead has one identity; keep one `key`
bad_key-mark-identifier-such-id-help = mark an identifier such as `id: text key` as the key
bad_key-remove-help = remove the `?`
bad_key-second-key-label = second key

## bad_metric

bad_metric-add-days-metric-number-help = add `as days` (the metric's number is days) or write the target as a number
bad_metric-add-percent-metric-value-help = add `as percent` to the metric (its value is a share, 0 to 1), or write the target as a number
bad_metric-count-instead-count-leads-help = count instead: `count(leads where C)` (how many), or compare it with `count(leads)`
bad_metric-duration-label = a duration
bad_metric-duration-target-needs-metric = a duration target needs a metric in days or hours
bad_metric-leads-takes-no-within = `leads` takes no `within`
bad_metric-metric-periods-come-from-help = a metric's periods come from `per UNIT by EXPR`: remove the `within`, or filter with `where` on a date of the lead
bad_metric-over-has-no-value = `{ $word }` over `{ $text }` has no value in a metric
bad_metric-percent-label = not a percent
bad_metric-percent-label-2 = a percent
bad_metric-percent-target-needs-percent = a percent target needs a percent metric
bad_metric-table-rows-are-placed-help = a table's rows are placed in periods by its `by` field: remove the `within`
bad_metric-table-takes-no-within = a table takes no `within`
bad_metric-target-percent-metric-percent = the target of a percent metric is a percent
bad_metric-time-window-label = time window
bad_metric-write-percent-help = write it as a percent: { $percent }
bad_metric-yes-no-over-whole-label = a yes or no over the whole batch

## bad_number

bad_number-above-0-label = not above 0
bad_number-decimals-label = decimals
bad_number-here-label = here
bad_number-max-caps-points-one-help = `max` caps the points of one rule, by their size
bad_number-number-versions-1-2-help = number versions 1, 2, 3, ...
bad_number-policy-version-must-whole = the policy version must be a whole number
bad_number-round-keeps-0-12 = `round` keeps 0 to 12 decimals, not { $n }
bad_number-rule-max-must-above = a rule's `max` must be above 0
bad_number-script-limit-must-positive = a script limit must be a positive whole number
bad_number-too-large-int-label = too large for an `int`
bad_number-whole-number-does-fit = the whole number `{ $text }` does not fit in 64 bits
bad_number-whole-number-label = not a whole number
bad_number-whole-numbers-go-up-help = whole numbers go up to 9_223_372_036_854_775_807; for a larger number, write it with an exponent, such as `1e19`
bad_number-write-number-decimals-from-help = write a number of decimals from 0 to 12, as in `round(x, 2)`

## bad_regex

bad_regex-check-brackets-escapes-literal-help = check brackets and escapes; a literal `(` or `[` needs a backslash
bad_regex-flags-are-i-ignore-help = the flags are i (ignore case), m (multi-line), s (dot matches newline), x (verbose)
bad_regex-invalid-regex-label = invalid regex
bad_regex-regex-does-compile = this regex does not compile: { $detail }
bad_regex-regex-label = in this regex
bad_regex-unknown-regex-flag = unknown regex flag `{ $other }`

## bad_script

bad_script-cannot-read-script = cannot read script `{ $path }`: { $reason }
bad_script-declared-here-label = declared here
bad_script-define-fn-script-remove-help = define `fn { $name }(...)` in the script, or remove the declaration
bad_script-fix-rhai-syntax-funnel-help = fix the Rhai syntax; `funnel check` reads scripts with the policy
bad_script-has-no-function = `{ $script }` has no function `{ $name }`
bad_script-here-label = here
bad_script-paths-are-relative-policy-help = paths are relative to the policy file that names them; scripts must be inside its directory
bad_script-script-does-compile = the script does not compile: { $message }
bad_script-script-label = this script
bad_script-script-used-here-label = the script is used here

## bad_sla

bad_sla-add-date-that-counts-help = add the date that counts, e.g. `per month by created_at`
bad_sla-add-help = add `{ $example }`
bad_sla-business-days-need-calendar = business days need a calendar
bad_sla-business-days-which-calendar-label = business days of which calendar?
bad_sla-commitment-needs-by-place = this commitment needs `by` to place leads in periods
bad_sla-compliance-target-percent = a compliance target is a percent
bad_sla-conversion-target-percent = a conversion target is a percent
bad_sla-count-leads-takes-number = a count of leads takes a number, not a percent
bad_sla-name-calendar-whose-opening-help = name the calendar whose opening days count: `within { $text } of office_hours`; without one, write a duration such as `within 3d`
bad_sla-no-by-label = no `by`
bad_sla-no-line-label = no `{ $what }` line
bad_sla-percent-label = a percent
bad_sla-percent-label-2 = not a percent
bad_sla-percent-range-label = not a percent in range
bad_sla-sla-has-no = the SLA `{ $name }` has no `{ $what }`
bad_sla-warn-at-takes-percent = `warn at` takes a percent between 0% and 100%
bad_sla-write-at-least-200-help = write `at least 200 leads reach mql`, or a share: `at least 50% of leads reaching mql reach sql`
bad_sla-write-percent-at-least-help = write it as a percent: { $percent }, as in `at least 90% of first_touch met per month`
bad_sla-write-percent-help = write it as a percent: { $percent }

## bad_stage

bad_stage-every-lead-starts-first-label = every lead starts in the first stage
bad_stage-exclusion-needs-condition = an exclusion needs a condition
bad_stage-first-stage-cannot-have = the first stage `{ $name }` cannot have a condition
bad_stage-list-stages-help = list the funnel's stages, in any file of the set: `stages {"{"}
    {"  "}lead
    {"  "}mql when fit >= 40
    {"}"}`
bad_stage-no-at-stage-label = no `at` on this stage
bad_stage-only-first-stage-has-label = only the first stage has no condition
bad_stage-policy-set-has-no = this policy set has no `stages` block
bad_stage-reason-without-condition-label = reason without condition
bad_stage-remove-when-list-stage-help = remove `when ...`, or list a stage without condition first
bad_stage-say-when-lead-reaches-help = say when a lead reaches it: `{ $name } when ...`
bad_stage-say-which-lead-field-help = say which lead field holds when it was reached: `{ $name } at FIELD when ...`
bad_stage-stage-has-no-when = the stage `{ $name }` has no `when` condition
bad_stage-stage-names-no-instant = the stage `{ $name }` names no instant
bad_stage-write-name-when-condition-help = write `NAME when CONDITION because "reason"`

## bad_table

bad_table-add-field-table-read-help = add the field to `table { $name }` (read `from` the file's column), so its rows and the leads meet in one row
bad_table-by-needs-date-datetime = `by { $by }` needs a date or datetime field, but it is { $found }
bad_table-flat-value-label = not a flat value
bad_table-leads-name-label = the leads' name
bad_table-name-row-date-e-help = name the row's date, e.g. `by month` with `month: date`
bad_table-name-rows-table-spend-help = name the rows: `table spend ...`
bad_table-places-each-row-period-label = places each row in a period
bad_table-read-from-each-row-label = read from each row of `{ $name }` too
bad_table-table-cannot-named = a table cannot be named `{ $name }`
bad_table-table-field-holds-list = the table field `{ $name }` holds a list or a record
bad_table-table-has-no-field = the table `{ $name }` has no field `{ $name2 }` to split by
bad_table-table-row-flat-like-help = a table row is flat, like a CSV row: text, numbers, dates, enums, bools

## bad_test

bad_test-add-at-2026-11-help = add `at 2026-11-26T10:00:00-03:00` so the test gives the same result every day
bad_test-add-given-lead-id-help = add `given lead {"{"} id: "t1", ... {"}"}` or `given lead from "lead.json"`, or a batch: `given leads from "leads.jsonl"`
bad_test-add-make-field-optional-help = add `{ $example }`, or make the field optional with `?` in `schema { $def }`
bad_test-add-what-must-hold-help = add what must hold, e.g. `expect stage == mql`
bad_test-empty-list-label = an empty list
bad_test-expect-funnel-over-all-help = expect the funnel over all the leads: `funnel({ $name })`
bad_test-expect-metric-name-period-help = expect `metric(NAME, "PERIOD")`, `status(NAME, "PERIOD")` or `funnel(STAGE)`; test one lead's values in a test with `given lead`
bad_test-give-each-table-once-help = give each table once (its rows would count twice)
bad_test-give-leads-batch-too-help = give the leads as a batch too: `given leads [ ... ]` or `given leads from "leads.jsonl"`
bad_test-give-metric-target-at-help = give `metric { $name }` a target (`at least T` or `at most T`), or expect its value: `metric({ $name2 }, "PERIOD") >= ...`
bad_test-give-test-batch-given-help = give the test a batch (`given leads [{"{"} ... {"}"}, {"{"} ... {"}"}]` or `given leads from "leads.jsonl"`), or expect the lead's own values (`stage == sql`)
bad_test-given-again-here-label = given again here
bad_test-literal-value-label = not a literal value
bad_test-metric-has-no-target = the metric `{ $name }` has no target, so no status
bad_test-metric-without-at-least-label = a metric without `at least` or `at most`
bad_test-no-at-label = no `at`
bad_test-no-expect-line-label = no `expect` line
bad_test-no-given-lead-label = no `given lead`
bad_test-no-such-file-label = no such file
bad_test-no-such-period-label = no such period
bad_test-no-such-row-label = no such row
bad_test-only-test-over-batch-label = only in a test over a batch
bad_test-paths-are-relative-policy-help = paths are relative to the policy file
bad_test-per-write-period-report-help = { $whose } is per { $noun }: write the period as the report labels it, e.g. `"{ $example }"`
bad_test-reads-report-batch-leads = `{ $name }(..)` reads the report of a batch of leads, and this test has one lead
bad_test-record-label = not a record
bad_test-report-has-no-periods = the report has no periods: no aggregate SLA or metric puts leads in one
bad_test-report-writes = `{ $text }` is not a { $noun } as the report writes it
bad_test-rows-are-given-twice = the rows of `{ $name }` are given twice
bad_test-rows-go-batch-leads = the rows of `{ $name }` go with a batch of leads
bad_test-segment = `{ $text }` is not a segment of `{ $name }`
bad_test-single-lead-value-label = a single lead's value
bad_test-table-rows-label = a table's rows
bad_test-test-batch-has-no = the test's batch has no lead
bad_test-test-expects-nothing = the test "{ $test }" expects nothing
bad_test-test-file-does-exist = the test { $what } file `{ $resolved }` does not exist
bad_test-test-gives-no-lead = the test "{ $test }" gives no lead
bad_test-test-has-no-evaluation = the test "{ $test }" has no evaluation instant
bad_test-test-lead-holds-values = a test lead holds values, not computations
bad_test-test-lead-written-record = a test's lead is written as a record: `{"{"} id: "t1", ... {"}"}`
bad_test-test-over-batch-expects = a test over a batch expects figures of its report, not `{ $what }` of one lead
bad_test-text-label = not a { $noun }
bad_test-text-label-2 = not a text
bad_test-write-funnel-report-e-help = write it as in `funnel report`, e.g. `{ $example }`
bad_test-write-leads-records-given-help = write the leads as records: `given leads [{"{"} id: "a", ... {"}"}, {"{"} id: "b", ... {"}"}]`
bad_test-written-report-labels-double = { $what } is written as the report labels it, in double quotes

## cli

cli-checked-summary = checked { $files ->
        [1] 1 file
       *[other] { $files } files
    }: { $errors ->
        [1] 1 error
       *[other] { $errors } errors
    }, { $warnings ->
        [1] 1 warning
       *[other] { $warnings } warnings
    }

## cycle

cycle-break-cycle-definition-cannot-help = break the cycle: a definition cannot use its own value, directly or through others
cycle-defined-here-label = `{ $name }` is defined here
cycle-depends-itself = `{ $name }` depends on itself: { $path }
cycle-uses-here-label = `{ $from }` uses `{ $to }` here

## duplicate_definition

duplicate_definition-bare-name-must-mean-help = a bare name must mean one thing; rename the definition
duplicate_definition-both-lead-field-definition = `{ $name }` is both a lead field and a definition
duplicate_definition-declared-again-here-label = declared again here
duplicate_definition-defined-again-here-label = defined again here
duplicate_definition-defined-here-label = defined here
duplicate_definition-each-band-needs-own-help = each band needs its own letter
duplicate_definition-each-stage-appears-once-help = each stage appears once, in funnel order
duplicate_definition-else-letter-must-differ-help = the `else` letter must differ from the bands' letters
duplicate_definition-else-repeats-band-letter-label = `else` repeats a band's letter
duplicate_definition-enum-value-listed-twice = the enum value `{ $v }` is listed twice
duplicate_definition-field-declared-twice = the field `{ $name }` is declared twice in `{ $name2 }`
duplicate_definition-first-declared-here-label = first declared here
duplicate_definition-first-defined-here-label = first defined here
duplicate_definition-first-graded-here-label = first graded here
duplicate_definition-first-listed-here-label = first listed here
duplicate_definition-first-one-here-label = first one here
duplicate_definition-first-test-name-label = first test with this name
duplicate_definition-give-each-test-own-help = give each test its own name, so a failure says which one
duplicate_definition-graded-again-here-label = graded again here
duplicate_definition-keep-one-grade-block-help = keep one `grade` block per score
duplicate_definition-lead-field-label = the lead field
duplicate_definition-letter-used-twice = the letter `{ $letter }` is used twice
duplicate_definition-letter-used-twice-2 = the letter `{ $o }` is used twice
duplicate_definition-listed-again-here-label = listed again here
duplicate_definition-merge-two-into-one-help = merge the two into one schema
duplicate_definition-named-again-here-label = named again here
duplicate_definition-names-are-shared-by-help = names are shared by all files of a policy set; rename or remove one
duplicate_definition-policy-set-has-one = a policy set has one `{ $keyword }` block, and this is a second one
duplicate_definition-remove-one-two-lines-help = remove one of the two lines
duplicate_definition-remove-repeated-value-help = remove the repeated value
duplicate_definition-schema-defined-twice = the schema `{ $name }` is defined twice
duplicate_definition-score-graded-twice = the score `{ $score }` is graded twice
duplicate_definition-second-block-label = second `{ $keyword }` block
duplicate_definition-stage-listed-twice = the stage `{ $name }` is listed twice
duplicate_definition-two-tests-are-named = two tests are named "{ $test }"
duplicate_definition-used-again-here-label = used again here

## duplicate_policy_header

duplicate_policy_header-first-header-here-label = first header here
duplicate_policy_header-keep-one-header-whole-help = keep one header for the whole directory; remove this one
duplicate_policy_header-policy-set-has-exactly = a policy set has exactly one `policy` header, and this is a second one
duplicate_policy_header-second-header-label = second header

## lead_field_in_where

lead_field_in_where-about-lead-each-but = `{ $text }` is about the lead, not each `{ $item }`, but it is inside the `where` filter
lead_field_in_where-filter-runs-end-line-help = the filter runs to the end of the line: write `{ $outside }`; if it belongs in the filter, write `{ $inside }`
lead_field_in_where-joined-filter-by-label = joined to the filter by `{ $word }`

## lsp

lsp-change-to = Change `{ $written }` to `{ $meant }`

## misplaced_aggregate

misplaced_aggregate-aggregate-within-aggregate-label = an aggregate within an aggregate
misplaced_aggregate-batch-leads-label = the batch of leads
misplaced_aggregate-cannot-aggregated-inside-another = `{ $name }` cannot be aggregated inside another aggregate
misplaced_aggregate-compute-two-aggregates-side-help = compute the two aggregates side by side in the metric, e.g. `sum(amount of spend) / count(leads)`
misplaced_aggregate-count-sum-over-period-help = count or sum over the period's leads, e.g. `count(leads where { $what } ...)`; a `let` of literals (`let margin = 40%`) may be used as it is
misplaced_aggregate-leads-whole-batch-can = `leads` (the whole batch) can only be used in a metric
misplaced_aggregate-metric-about-many-leads = a metric is about many leads, so `{ $what }` needs an aggregate around it
misplaced_aggregate-rows-given-beside-leads-label = rows given beside the leads
misplaced_aggregate-score-stage-sla-about-help = a score, stage or SLA is about one lead; aggregate a table's rows in a `metric`
misplaced_aggregate-score-stage-sla-about-help-2 = a score, stage or SLA is about one lead; use `metric` for counts over leads
misplaced_aggregate-single-lead-value-label = a single lead's value
misplaced_aggregate-table-can-only-used = the table `{ $name }` can only be used in a metric

## missing_else

missing_else-end-grade-else-help = end the grade with `else { $suggestion }`
missing_else-grade-has-no-else = the grade of `{ $score }` has no `else` letter
missing_else-score-below-gets-no-label = a score below this gets no letter

## missing_otherwise

missing_otherwise-end-route-catch-all-help = end the route with a catch-all branch: `inside_sales otherwise`
missing_otherwise-lead-matching-no-branch-label = a lead matching no branch would have no route
missing_otherwise-route-has-no-otherwise = the route has no `otherwise` branch

## no_lead_schema

no_lead_schema-add-schema-lead-id-help = add `schema lead {"{"} id: text key ... {"}"}` with the fields your leads have
no_lead_schema-no-schema-any-file-label = no schema in any file of the set
no_lead_schema-no-schema-lead-describes = no `schema lead` describes the leads
no_lead_schema-schemas-are-here-but-label = schemas are here, but none is named `lead`

## no_policy_files

no_policy_files-no-policy-files-found = no policy files found
no_policy_files-point-at-directory-policy-help = point at a directory of policy files, e.g. `funnel check policies/acme`

## no_policy_header

no_policy_header-add-header-one-file-help = add a header to one file: `policy "my-policy" version 1`
no_policy_header-policy-set-has-no = this policy set has no `policy` header

## non_ascii_name

non_ascii_name-also-on-line = {" "}here and on line { $line }
non_ascii_name-also-on-lines = {" "}here and on lines { $lines } and { $last }
non_ascii_name-also-on-more-lines = {" "}here and on lines { $lines } and { $more } more

## thresholds_out_of_order

thresholds_out_of_order-band-comes-first-label = this band comes first
thresholds_out_of_order-grade-can-never-given = grade `{ $letter }` can never be given: `{ $letter2 }` above it already takes every score that reaches it
thresholds_out_of_order-list-bands-from-highest-help = list bands from the highest threshold to the lowest
thresholds_out_of_order-unreachable-band-label = unreachable band

## type_mismatch

type_mismatch-between-compares-numbers-dates = `between` compares numbers, dates or durations, not { $found }
type_mismatch-bucket-first-e-g-help = bucket it first, e.g. `split by if amount >= 1000 then "large" else "small"`
type_mismatch-bucket-leads-by-when-help = bucket leads by when something happened, e.g. `by created_at`
type_mismatch-by-needs-date-datetime = `by` needs a date or datetime, but this is { $found }
type_mismatch-cannot-apply = cannot apply `{ $op }` to { $x } and { $y }
type_mismatch-cannot-compare = cannot compare { $x } with { $y }
type_mismatch-cannot-look = cannot look for { $a } in { $b }
type_mismatch-cannot-negate = cannot negate { $found }
type_mismatch-compare-make-condition-e-help = compare it to make a condition, e.g. `fit >= 40`
type_mismatch-compares-numbers-dates-durations = `{ $name }` compares numbers, dates or durations, not { $found }
type_mismatch-condition-must-true-false-help = a condition must be true or false: compare it with `==`, `in` or `matches`
type_mismatch-date-datetime = `{ $at }` is a { $found }, not a date or datetime
type_mismatch-days-between-takes-dates = `days_between` takes dates or datetimes, not { $found }
type_mismatch-instant-stage-was-reached-label = the instant the stage was reached
type_mismatch-len-measures-text-list = `len` measures text or a list, not { $found }
type_mismatch-matches-needs-regex-literal = `matches` needs a regex literal on its right
type_mismatch-must-but = { $context } must be { $wanted }, but this is { $found }
type_mismatch-must-have-one-type = { $context } must have one type, but here they are { $b } and { $a }
type_mismatch-name-date-datetime-field-help = name a `date` or `datetime` field of the lead
type_mismatch-name-label = not a { $what } name
type_mismatch-name-list-field-lead-help = name a list field of the lead, such as `events`
type_mismatch-needs-list-but = this needs a list, but this is { $found }
type_mismatch-needs-list-right-but = `in` needs a list on its right, but this is { $found }
type_mismatch-needs-ordered-values-has = `{ $op }` needs ordered values, and { $x } has no order
type_mismatch-needs-record-but = `.{ $field }` needs a record, but this is { $found }
type_mismatch-numbers-are-written-without-help = numbers are written without quotes: `company_size >= 50`, not `"50"`
type_mismatch-only-numbers-can-summed = only numbers can be summed or averaged, not { $found }
type_mismatch-ordered-comparison-label = ordered comparison
type_mismatch-record-literal-can-only = a record literal can only give a test's lead
type_mismatch-record-literal-here-label = record literal here
type_mismatch-regex-label = not a /regex/
type_mismatch-row-label-value-printed-help = a row label is the value as printed: give the table's field the lead's type (text and enums meet)
type_mismatch-split-but-leads = in `{ $name }` this split is { $found }, but for the leads it is { $want }
type_mismatch-split-takes-text-enum = a split takes text, an enum, a bool or an int, but this is { $found }
type_mismatch-table-label = { $found } in the table
type_mismatch-takes-name = `{ $name }` takes the name of a { $what }
type_mismatch-text-label = this is { $found }
type_mismatch-text-label-2 = this is { $a }
type_mismatch-text-label-3 = this is { $b }
type_mismatch-text-label-4 = this is { $x }
type_mismatch-text-label-5 = this is { $y }
type_mismatch-time-window-label = time window
type_mismatch-use-these-values-help = use `==`, `!=` or `in` for these values
type_mismatch-within-keeps-items-whose-help = `within` keeps the items whose `at` lies in the window: use it on a list such as `events`, or remove it
type_mismatch-within-needs-list-records = `within` needs a list of records with an `at` datetime
type_mismatch-write-given-lead-test-help = write `given lead {"{"} ... {"}"}` in a `test` block
type_mismatch-write-list-such-br-help = write a list such as `["BR", "PT"]`, or use `contains` for text
type_mismatch-write-pattern-between-slashes-help = write the pattern between slashes: `role matches /head|director/i`

## unknown_enum_value

unknown_enum_value-letter-grade = `{ $name }` is not a letter of the grade of `{ $score }`
unknown_enum_value-letters-are-label = the letters are { $letters }
unknown_enum_value-no-values-label = { $what } has no values
unknown_enum_value-not-one-of-label = not one of: { $values }
unknown_enum_value-value = `{ $name }` is not a value of { $what }

## unknown_field

unknown_field-add-at-datetime-schema-help = add `at: datetime` to `schema { $name }`
unknown_field-no-field = no field `{ $field }` in `{ $name }`
unknown_field-no-field-2 = no field `{ $name }` in `{ $def }`
unknown_field-time-window-label = time window
unknown_field-unknown-field-label = unknown field
unknown_field-within-needs-at-datetime = `within` needs an `at: datetime` field in `{ $name }`

## unknown_function

unknown_function-built-script-function-label = not a built-in or script function
unknown_function-exists-only-expect-lines = `{ $name }(..)` exists only in the `expect` lines of a test over a batch
unknown_function-function-here-label = not a function here
unknown_function-metrics-aggregate-slas-are-help = metrics and aggregate SLAs are figures over a period's leads: `funnel report` computes them, and a test with `given leads` can expect them
unknown_function-unknown-function = unknown function `{ $name }`

## unknown_holiday_set

unknown_holiday_set-no-built-holiday-set = no built-in holiday set named `{ $name }`
unknown_holiday_set-unknown-holiday-set-label = unknown holiday set

## unknown_name

unknown_name-bare-name-label = a bare name
unknown_name-field-definition = `{ $name }` is not a field or a definition
unknown_name-name-list-itself-help = name the list itself: { $lists }
unknown_name-script-limit-label = not a script limit
unknown_name-several-lists-hold-items = several lists hold `{ $name }` items
unknown_name-text-written-quotes-help = text is written in quotes: `[{ $quoted }]`
unknown_name-text-written-quotes-help-2 = text is written in quotes: `"{ $name }"`
unknown_name-these-names-are-fields = these names are not fields or definitions
unknown_name-unknown-script-limit = unknown script limit `{ $name }`
unknown_name-which-list-label = which list?

## unknown_score

unknown_score-add-grade-70-b-help = add `grade { $name } {"{"} A >= 70, B >= 40, else C {"}"}`
unknown_score-cannot-grade-no-score = cannot grade `{ $score }`: no score has that name
unknown_score-no-grade-block-score-label = no `grade` block for this score
unknown_score-score-has-no-grade = the score `{ $name }` has no grade
unknown_score-unknown-score-label = unknown score

## unknown_sla

unknown_sla-aggregate-sla-label = aggregate SLA
unknown_sla-aggregate-sla-which-has = `{ $name }` is an aggregate SLA, which has no per-lead state
unknown_sla-aggregate-slas-are-reported-help = aggregate SLAs are reported per period by `funnel report`
unknown_sla-expect-metric-aggregate-sla-help = expect a metric or an aggregate SLA; a per-lead SLA is tested on one lead: `sla({ $name }).state == met`
unknown_sla-per-lead-sla-label = per-lead SLA
unknown_sla-per-lead-sla-which = `{ $name }` is a per-lead SLA, which has no figure per period

## unknown_timezone

unknown_timezone-iana-time-zone-name-label = not an IANA time zone name
unknown_timezone-unknown-time-zone = unknown time zone `{ $zone }`

## unknown_type

unknown_type-built-type-schema-label = not a built-in type or a schema
unknown_type-unknown-type = unknown type `{ $name }`

## unreachable_grade

unreachable_grade-above-clamp-label = above the clamp
unreachable_grade-grade-can-never-given = grade `{ $o }` can never be given: `{ $score }` never scores below { $lo }
unreachable_grade-grade-needs-more-than = grade `{ $letter }` needs more than `{ $score }` can score (it is clamped to { $lo }..{ $hi })
unreachable_grade-lower-threshold-less-help = lower the threshold to { $hi } or less
unreachable_grade-raise-lowest-threshold-above-help = raise the lowest threshold above { $lo }
unreachable_grade-unreachable-else-label = unreachable `else`

## unreachable_route

unreachable_route-branch-comes-after-otherwise = the branch `{ $name }` comes after `otherwise`, so no lead reaches it
unreachable_route-move-otherwise-end-help = move `otherwise` to the end
unreachable_route-otherwise-takes-every-lead-label = `otherwise` takes every lead left
unreachable_route-unreachable-branch-label = unreachable branch

## unreachable_stage

unreachable_stage-always-false-label = always false
unreachable_stage-fix-condition-remove-stage-help = fix the condition or remove the stage
unreachable_stage-later-stage-always-wins-label = this later stage always wins
unreachable_stage-lead-stage-last-listed-help = a lead's stage is the last listed stage whose condition holds; make the conditions differ
unreachable_stage-no-lead-can-reach = no lead can reach `{ $name }`: its condition is always false
unreachable_stage-no-lead-can-stay = no lead can stay in `{ $name }`: `{ $name2 }` has the same condition and comes later
unreachable_stage-unreachable-stage-label = unreachable stage

## unused_calendar

unused_calendar-calendar-never-used = calendar `{ $c }` is never used
unused_calendar-defined-here-label = defined here
unused_calendar-name-sla-within-4h-help = name it in an SLA (`within 4h of { $c }`), or remove it

## unused_persona

unused_persona-defined-here-label = defined here
unused_persona-persona-never-used = persona `{ $p }` is never used

## wrong_arity

wrong_arity-argument-label = { $given ->
        [1] 1 argument
       *[other] { $given } arguments
    }
wrong_arity-declared-here-label = declared here
wrong_arity-give-arguments-help = give `{ $name }` { $wanted } { $max ->
        [1] argument
       *[other] arguments
    }
wrong_arity-make-declaration-match-script-help = make the declaration match the script's `fn` line
wrong_arity-takes-argument-but-given = `{ $name }` takes { $wanted } { $max ->
        [1] argument
       *[other] arguments
    }, but { $given ->
        [1] 1 was
       *[other] { $given } were
    } given
wrong_arity-takes-parameters-script-but = `{ $name }` takes { $n } parameters in the script, but is declared with { $declared }

## zero_points

zero_points-0-points-label = 0 points
zero_points-give-points-5-when-help = give it points (`+5 when ...`) or remove it
zero_points-rule-worth-0-points = this rule is worth 0 points, so it never changes the score
