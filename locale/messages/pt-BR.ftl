# Diagnósticos do Funnel em português do Brasil.
#
# Todo texto que uma pessoa lê em um diagnóstico está aqui e em en.ftl, com as mesmas chaves
# (os testes em locale/tests/ falham quando falta uma chave, ou uma variável de uma chave, em
# qualquer dos dois). O que está entre crases é código da linguagem e não se traduz. Os valores
# em `{ $nome }` são preenchidos pelo Funnel; plurais e outras escolhas usam os seletores do
# Fluent: https://projectfluent.org/fluent/guide/selectors.html


## code

code-always_present = Um teste de presença em um campo obrigatório, que sempre tem um valor.
code-ambiguous_duration = Uma duração que provavelmente não significa o que diz: dias de horário de atendimento em um calendário, ou minutos em um decaimento.
code-bad_calendar = Um calendário com horários impossíveis ou que nunca está aberto.
code-bad_clamp = Um `clamp` cujos limites estão invertidos.
code-bad_date = Uma data ou data e hora que não existe.
code-bad_decay = Um `decay` com taxa ou período impossível.
code-bad_duration = Uma duração zero ou negativa onde é necessária uma positiva.
code-bad_input = Um modificador de entrada de um campo (`map`, `true`/`false`, `decimal`, `format`) que não combina com seu tipo, ou que lê um mesmo texto de entrada de duas formas.
code-bad_key = Um campo `key` que não consegue identificar um lead.
code-bad_lead = Um lead que não se encaixa no esquema.
code-bad_metric = Uma métrica escrita de um jeito que não tem significado, como uma janela sobre `leads`.
code-bad_number = Um número fora do intervalo permitido.
code-bad_regex = Uma expressão regular que não compila.
code-bad_script = Um script que não pode ser carregado ou não fornece o que declara.
code-bad_sla = Uma cláusula de SLA incompleta ou inconsistente.
code-bad_stage = Uma linha de etapa que viola as regras de `stages`.
code-bad_table = Uma `table` cujas linhas não podem ser distribuídas em períodos ou contêm valores aninhados.
code-bad_test = Um bloco `test` incompleto ou cujo lead não se encaixa no esquema.
code-cycle = Uma definição que depende de si mesma.
code-duplicate_definition = Duas definições com o mesmo nome.
code-duplicate_policy_header = Um conjunto de políticas com mais de um cabeçalho `policy`.
code-evaluation = Um erro ao avaliar um lead.
code-indented_block = Um bloco de nível superior cuja palavra-chave não está na coluna 1 (um aviso: o bloco é lido, e `funnel fmt` o move).
code-internal = Uma falha dentro do próprio Funnel (um bug): a mensagem diz onde; relate-a junto com os arquivos que a causaram.
code-io = Um arquivo ou diretório que não pôde ser lido.
code-lead_field_in_where = Uma condição sobre o lead dentro do filtro `where` de uma lista, ligada por `and`/`or`.
code-misplaced_aggregate = Um agregado sobre `leads` fora de uma métrica, ou um campo do lead fora de um agregado em uma métrica.
code-missing_else = Uma classificação sem uma letra `else`.
code-missing_otherwise = Uma rota sem um ramo final `otherwise`.
code-no_lead_schema = Nenhum `schema lead` descreve os leads.
code-no_policy_files = Um diretório de políticas sem nenhum arquivo `.funnel`.
code-no_policy_header = Um conjunto de políticas sem cabeçalho `policy`.
code-non_ascii_name = Um nome com uma letra fora do ASCII, como `funcionários`: nomes são feitos de letras ASCII, dígitos e `_`.
code-syntax = O texto não segue a gramática da linguagem.
code-thresholds_out_of_order = Limiares de classificação que não estão em ordem decrescente.
code-type_mismatch = Uma expressão de um tipo onde é necessário outro.
code-unknown_calendar = Um calendário que não está definido.
code-unknown_enum_value = Um valor que não é um dos valores do enum.
code-unknown_field = Um campo que o esquema do registro não tem.
code-unknown_function = Uma função que não é nativa nem declarada por um script.
code-unknown_holiday_set = Um conjunto de feriados nativo que não existe.
code-unknown_name = Um nome que não é um campo, let, score ou outra definição.
code-unknown_persona = Uma persona que não está definida.
code-unknown_score = Um score que não está definido.
code-unknown_sla = Um SLA que não está definido.
code-unknown_stage = Uma etapa que não está listada em `stages`.
code-unknown_timezone = Um fuso horário que não é um nome IANA.
code-unknown_type = Um nome de tipo que não é nativo nem um esquema.
code-unreachable_grade = Uma faixa de classificação que nenhum score consegue alcançar.
code-unreachable_route = Um ramo de rota que nenhum lead consegue alcançar.
code-unreachable_stage = Uma etapa que nenhum lead consegue alcançar.
code-unused_calendar = Um calendário que nenhum SLA usa.
code-unused_persona = Uma persona que nenhum score, etapa, rota ou SLA usa.
code-wrong_arity = Uma função chamada com o número errado de argumentos.
code-zero_points = Uma regra de score que vale 0 pontos.

## noun

noun-calendar = calendário
noun-field = campo
noun-function = função
noun-holiday-set = conjunto de feriados
noun-let = let
noun-metric = métrica
noun-metric-or-aggregate-sla = métrica ou SLA agregado
noun-persona = persona
noun-score = score
noun-script-function = função de script
noun-script-limit = limite de script
noun-sla = SLA
noun-stage = etapa
noun-table = tabela
noun-type = tipo
noun-value = valor

## common

common-and-more-errors = {" "}(e { $count ->
        [1] mais 1 erro
       *[other] mais { $count } erros
    })
common-cannot-start-watcher = não foi possível iniciar o observador de arquivos: { $e }
common-cannot-watch = não foi possível observar { $dir }: { $e }
common-defined-label = não definido
common-did-you-mean-help = você quis dizer `{ $name }`?
common-funnel-failed-while = Funnel falhou ao { $doing }: { $message }
common-holds-several-policy-sets = { $as_ref } contém vários conjuntos de políticas; indique o nome de um deles
common-no-named = não existe { $kind } com o nome `{ $name }`
common-no-policy-files = nenhum arquivo de política
common-none-defined-help = não existe nenhuma definição de { $what }
common-percent-or-as-written = `100%` (ou `{ $written }%`)
common-policy-did-compile = a política não compilou
common-policy-served-unchanged-next-help = a política em uso não foi alterada e a próxima edição será carregada normalmente; relate este problema junto com os arquivos que o causaram
common-see-also = veja também { $file }
common-the-names-are-help = opções de { $what }: { $names }
common-the-names-include-help = opções de { $what } incluem: { $names }, ...
common-unknown-label = nome de { $kind } desconhecido

## syntax

syntax-add-that-closes-line = adicione o `{"}"}` que fecha `{ $first }` (linha { $line }); um bloco termina antes da próxima linha que começa com uma palavra-chave
syntax-applies-when = `applies when`
syntax-ascii-letter-label = `{ $first }` não é uma letra ASCII
syntax-block-indented-top-level = o bloco `{ $keyword }` está indentado: um bloco de nível superior começa na coluna 1
syntax-block-nested-too-deeply = este bloco está aninhado profundamente demais para ser lido
syntax-block-starts-one-these-help = um bloco começa com uma destas palavras na primeira coluna: { $keywords }
syntax-business-days-count-calendar = , ou `{ $count } business days` para contar os dias em que o calendário está aberto
syntax-column-label = na coluna { $column }
syntax-commitment-at-least = um compromisso (`at least ...`)
syntax-count-days-d = conte { $days } dias por { $name ->
        [month] mês
       *[year] ano
    }, como em `{ $days }d`
syntax-date-label = não é uma data
syntax-dates-are-written-year-help = datas são escritas como ano-mês-dia, como em `2026-12-25`
syntax-duration = `{ $written }` não é uma duração
syntax-duration-too-long = esta duração é longa demais
syntax-duration-units-help = { $fix }{ $business }; uma duração é um número inteiro e uma unidade, sem espaço: `w` (semanas), `d` (dias), `h` (horas), `m` (minutos) ou `s` (segundos), como em `30d` ou `4h 15m`
syntax-else-before-band-label = `else` antes de uma faixa
syntax-else-letter-must-come = a letra `else` deve vir depois de todas as faixas
syntax-end-file = o fim do arquivo
syntax-end-line = o fim da linha
syntax-escape-text-can-contain = `{ $bad }` não é um escape que um texto pode conter
syntax-escapes-text-are-n = os escapes em um texto são `\"`, `\\`, `\n`, `\t` e `\u{"{"}e9{"}"}`
syntax-expected-block-such-score = esperava um bloco como `score NAME {"{"} ... {"}"}` ou `stages {"{"} ... {"}"}`, encontrou { $found_words }
syntax-expected-found = esperava { $expected }, encontrou { $found_words }
syntax-expected-here = esperava { $p } aqui
syntax-expression-has-more-than = esta expressão tem mais de { $max_nesting } sinais `not` ou `-`
syntax-expression-too-long-label = expressão longa demais
syntax-expression-too-long-more = esta expressão é longa demais (mais de { $max_tree_depth } operações umas dentro das outras)
syntax-given-again-here-label = informado novamente aqui
syntax-given-twice-block = { $what } é informado duas vezes neste bloco
syntax-has-invalid-time = `{ $text }` tem um horário inválido: { $bad }
syntax-hours-from-00-23 = as horas vão de 00 a 23
syntax-inside-any-block-label = fora de qualquer bloco
syntax-invalid-escape-label = escape inválido
syntax-invalid-time-label = horário inválido
syntax-keep-only-one-help = mantenha apenas um
syntax-label-optional-but-must = o rótulo é opcional, mas deve ser um texto entre aspas duplas
syntax-language-has-no = a linguagem não tem { $name ->
        [month] meses
       *[year] anos
    }
syntax-list-or = { $init } ou { $last }
syntax-met-by = `met by`
syntax-minutes-from-00-59 = os minutos vão de 00 a 59
syntax-move-else-end-grade-help = mova `else` para o fim da classificação
syntax-move-per-lead-lines-help = mova as linhas por lead para um SLA próprio
syntax-nested-too-deeply-label = aninhado profundamente demais
syntax-nested-too-deeply-more = isto está aninhado profundamente demais (mais de { $max_nesting } níveis)
syntax-next-block-line = o próximo bloco (linha { $line })
syntax-no-space-before-unit = sem espaço antes da unidade
syntax-number-starts-decimals-does = `{ $written }` não é um número: `.` inicia as casas decimais, não separa os milhares
syntax-number-too-large = o número `{ $text }` é grande demais
syntax-per-lead-line-aggregate-label = uma linha por lead em um SLA agregado
syntax-phrase-action = uma ação (`escalate "..."`, `notify "..."` ou `recycle to STAGE`)
syntax-phrase-band = uma faixa como `A >= 70`
syntax-phrase-calendar-line = uma linha de calendário como `mon-fri 09:00-18:00`
syntax-phrase-condition = uma condição
syntax-phrase-date = uma data como `2026-12-25`
syntax-phrase-duration = uma duração como `30d`
syntax-phrase-end-line = o fim da linha
syntax-phrase-expression = uma expressão
syntax-phrase-field = um campo como `email: text`
syntax-phrase-function = uma função como `fn tier(email: text) -> int`
syntax-phrase-header-line = uma linha de cabeçalho (`timezone "..."`, `owner TEAM "Name"`)
syntax-phrase-list = uma lista como `events`
syntax-phrase-modifier = um modificador (`key`, `from "Column"`, `missing "..."`, `map VALUE from "..."`, ...)
syntax-phrase-name = um nome
syntax-phrase-new-block-at-start = um novo bloco no início de uma linha
syntax-phrase-number = um número
syntax-phrase-number-business-days = um número de dias úteis como `3 business days`
syntax-phrase-number-percent = um número ou um percentual como `50%`
syntax-phrase-opening-hours = um horário de atendimento como `09:00-12:00`
syntax-phrase-operator = um operador (`==`, `and`, ...)
syntax-phrase-parameter = um parâmetro como `email: text`
syntax-phrase-percent = um percentual como `75%`
syntax-phrase-period = um período (`day`, `week`, `month` ou `quarter`)
syntax-phrase-points-with-sign = pontos com sinal, como `+10`
syntax-phrase-record = um registro como `{"{"} id: "t1" {"}"}`
syntax-phrase-route = uma rota como `sales when fit >= 50`
syntax-phrase-score-rule = uma regra de score como `+10 when ...`
syntax-phrase-setting = uma configuração como `operations 100_000`
syntax-phrase-sla-line = uma linha de SLA como `within 4h` ou `starts at ...`
syntax-phrase-stage = uma etapa como `mql when fit >= 40`
syntax-phrase-test-line = uma linha de teste (`given lead ...`, `given leads ...`, `at ...` ou `expect ...`)
syntax-phrase-text-in-double-quotes = um texto entre aspas duplas
syntax-phrase-time = um horário como `09:00`
syntax-phrase-token = `>=` ou `>`
syntax-phrase-token-2 = `P% every D` ou `half-life D`
syntax-phrase-token-3 = `least` ou `most`
syntax-phrase-token-4 = `leads reach STAGE`, `of leads reaching STAGE reach STAGE` ou `of SLA met`
syntax-phrase-token-5 = `per PERIOD by ...`, como `per month by created_at`
syntax-phrase-type = um tipo como `text` ou `list<event>`
syntax-phrase-weekday = um dia da semana (de `mon` a `sun`)
syntax-remove-spaces-before-funnel-help = remova os espaços antes de `{ $keyword }` (`funnel fmt` faz isso); só as linhas dentro de um bloco são indentadas
syntax-rename-ascii-letters-digits = renomeie-o com letras ASCII, dígitos e `_` (textos entre aspas duplas podem usar qualquer letra)
syntax-route-reads-name-when = uma rota é escrita `NAME when CONDITION`, e a última `NAME otherwise`
syntax-score-rule-reads-10 = uma regra de score é escrita `+10 when CONDITION` ou `+2 per event where CONDITION`
syntax-script-limits = `script limits`
syntax-seconds-from-00-59 = os segundos vão de 00 a 59
syntax-sla-either-deadline-per = um SLA é ou um prazo por lead ou um compromisso ao longo de um período, não os dois
syntax-split-deep-expressions-into-help = divida expressões profundas em partes menores com `let NAME = ...`
syntax-split-into-smaller-pieces-help = divida-a em partes menores com `let NAME = ...`
syntax-stage-reads-name-when = uma etapa é escrita `NAME when CONDITION` (a primeira etapa não tem condição)
syntax-starts-at = `starts at`
syntax-target-at-least = uma meta (`at least ...`)
syntax-text-ends-line-where = um texto termina na mesma linha em que começa: feche-o com `"`
syntax-text-has-no-closing = este texto não tem o `"` de fechamento
syntax-text-missing-closing = falta o `"` de fechamento deste texto
syntax-text-without-closing-quote = um texto sem o `"` de fechamento
syntax-thousands-separated-by-label = milhares separados por `.`
syntax-time-day = `{ $text }` não é um horário do dia
syntax-time-label = não é um horário
syntax-too-large-label = grande demais
syntax-too-long-label = longo demais
syntax-too-many-prefix-operators-label = operadores prefixos demais
syntax-u-valid-character = `\u{"{"}{ $bad }{"}"}` não é um caractere válido
syntax-unexpected = não se esperava { $found_words }
syntax-unexpected-2 = `{ $t }` inesperado
syntax-unexpected-end = fim inesperado
syntax-unit-duration = `{ $word }` não é uma unidade de duração
syntax-unknown-escape-label = escape desconhecido
syntax-use-compare = use `==` para comparar
syntax-valid-date = `{ $text }` não é uma data válida
syntax-valid-name-names-are = `{ $written }` não é um nome válido: nomes são feitos de letras ASCII, dígitos e `_`
syntax-warn-at = `warn at`
syntax-write = escreva `{ $a }`
syntax-write-2 = escreva `{ $count }{ $c }`
syntax-write-accept-either = escreva `or` para aceitar qualquer um dos dois
syntax-write-d-counting-days = escreva `{ $total }d`, contando { $days } dias por { $name ->
        [month] mês
       *[year] ano
    }
syntax-write-ge-or-le = escreva `>=` ou `<=`
syntax-write-hours-from-00-help = escreva horários de `00:00` a `24:00`
syntax-write-if-input-calls = escreva `{ $a }`; se a entrada chama o campo de `{ $written }`, adicione `from "{ $written }"` após o tipo dele
syntax-write-if-input-writes = escreva `{ $a }`; se a entrada escreve `{ $written }`, adicione `map { $a } from "{ $written }"` após o tipo
syntax-write-may-separate-thousands-help = escreva `{ $grouped }{ $fraction }` (ou `{ $concat }{ $fraction }`): `_` pode separar os milhares
syntax-write-negate-compare = escreva `not` para negar, ou `!=` para comparar
syntax-write-points-sign = escreva os pontos com sinal: `+{ $number }` ou `-{ $number }`
syntax-write-require-both = escreva `and` para exigir os dois
syntax-write-text-double-quotes = escreva textos entre aspas duplas: `"..."`
syntax-write-unicode-code-point-help = escreva um code point Unicode em hexadecimal, como em `\u{"{"}e9{"}"}`
syntax-write-unit-language-has = escreva uma unidade que a linguagem tenha

## check

check-1-business-day = 1 dia útil
check-add-duration-datetime-created = some uma duração a uma data e hora: `created_at + 30d`
check-already-reads = { $word } já é lido como { $builtin }
check-applies-when = `applies when`
check-argument = um argumento de `{ $name }`
check-argument-2 = o argumento de `{ $name }`
check-arguments = os argumentos de `{ $name }`
check-arithmetic-works-numbers-datetimes = a aritmética funciona com números, e com datas e hora combinadas com durações
check-at-least = pelo menos { $min }
check-between-bounds = os limites de `between`
check-both-branches-if = os dois ramos de `if`
check-business-days = { $days } dias úteis
check-call = chame-a como `{ $sig }`
check-condition-if = a condição de `if`
check-date-has-no-time = uma data não tem hora do dia; use uma data e hora como `created_at` ou `2026-11-26T10:00:00-03:00`
check-dates-datetimes = datas e valores de data e hora
check-decimal-separator = { $separator } não é um separador decimal
check-declare-field-schema-lead = declare-o como um campo em `schema lead`, ou defina-o com `let`
check-defined = `{ $name }` está definido como { $noun } e como { $noun2 }
check-defined-twice = há duas definições de { $noun } com o nome `{ $name }`
check-definitions-all = { $steps } -> ... ({ $len } definições ao todo) -> { $first }
check-did-you-mean = você quis dizer `{ $b }`?
check-did-you-mean-2 = você quis dizer `{ $s }`?
check-digits-round = as casas decimais de `round`
check-enum-values = valores do enum
check-expect-line = uma linha `expect`
check-figure-signature = { $name }(NAME, "PERIOD") ou { $name }(NAME, "PERIOD", "SEGMENT")
check-funnel-stage-funnel-stage = funnel(STAGE) ou funnel(STAGE, "PERIOD")
check-has-no-split-by = `{ $name }` não tem `split by`: o esperado é o total, `{ $name2 }({ $name3 }, "PERIOD")`
check-hours = { $hours } horas
check-instant-after-at = o instante após `at`
check-instant-after-since = o instante após `since`
check-items-list = os itens de uma lista
check-lacks-required-field = { $def }: falta o campo obrigatório { $field }
check-lacks-required-fields = { $def }: faltam os campos obrigatórios { $fields }
check-left-side = o lado esquerdo de `{ $opname }`
check-left-side-matches = o lado esquerdo de `matches`
check-len-text-list = len(texto ou lista)
check-list-every-branch-one = liste todos os ramos em um único bloco
check-list-every-stage-first = liste todas as etapas, da primeira à última, em um único bloco
check-listed-twice = { $word } aparece duas vezes na lista
check-mapped-both = { $text } está mapeado tanto para `{ $to }` quanto para `{ $now }`
check-mapped-twice = { $text } está mapeado duas vezes
check-met-by = `met by`
check-metric-aggregate-sla = métrica ou SLA agregado
check-min-or-max = { $min } ou { $max }
check-minutes = { $minutes } minutos
check-missing-text-mapped = { $text } é um texto de `missing` e está mapeado para `{ $to }`
check-no-field-lead-schema = não existe campo `{ $name }` no esquema do lead
check-no-header-any-file = nenhum arquivo do conjunto tem cabeçalho
check-no-record = não há { $field } neste registro
check-no-stages-any-file = nenhum arquivo desta política tem etapas
check-numbers-are-written-without = números são escritos sem aspas: `{ $n }`, não `{ $written }`
check-one-minute = um minuto
check-operand = o operando de `not`
check-operand-2 = um operando de `and`
check-operand-3 = um operando de `or`
check-period = o período
check-persona-condition = uma condição de persona
check-position-nth = a posição em `nth`
check-reads-both-true-false = { $word } é lido tanto como verdadeiro quanto como falso
check-record = registro `{ $record }`
check-report-funnel = o funil do relatório
check-right-side = o lado direito de `{ $opname }`
check-right-side-any = o lado direito de `{ $opname } any`
check-round-number-round-number = round(número) ou round(número, casas)
check-route-condition = uma condição de rota
check-rows-are-written = suas linhas são escritas { $forms }
check-seconds = { $seconds } segundos
check-segment = o segmento
check-stage-condition = uma condição de etapa
check-starts-at = `starts at`
check-text-use-number-field = isto é texto; use um campo numérico, um score ou uma contagem como `count events where ...`
check-text-written-quotes-300 = texto é escrito entre aspas: `"300"`
check-these-fields-are-record = estes campos não existem neste registro
check-two-datetimes-can-subtracted = duas datas e hora podem ser subtraídas (resultando em uma duração), não somadas
check-unknown-name = nome desconhecido `{ $name }`
check-use-datetime-field-such = use um campo de data e hora como `created_at`, ou o horário de um item: `first(events).at`
check-use-iana-name-such = use um nome IANA como "America/Sao_Paulo" ou "UTC"
check-use-number-field-score = use um campo numérico, um score ou uma contagem como `count events where ...`
check-use-persona-write-persona = para usar uma persona, escreva `persona { $name }`
check-use-score-30-when = use-a em um score (`+30 when persona { $p }`), em uma etapa ou em uma rota, ou remova-a
check-value = um valor de `{ $def }`
check-value-after-per = o valor após `per`
check-value-looked = o valor procurado
check-was-read = não foi lido
check-when-condition = uma condição `when`
check-where-condition = uma condição `where`
check-which-value-here = `{ $name }` é { $noun } e não pode ser usado como valor aqui
check-whole-hours = { $hours } { $count ->
        [1] hora
       *[other] horas
    }
check-whole-number-needed-here = é necessário um número inteiro aqui: use `round(...)`
check-write-duration-such-30d = escreva uma duração como `30d`, `4h` ou `2w`
check-write-open-hours-within = escreva em horas de atendimento: `within { $hours } of { $name }`
check-write-percent = escreva como percentual: { $percent }
check-write-warn-at-75 = escreva `warn at 75%`: um aviso quando três quartos do prazo tiverem sido usados
check-write-within-business-open = escreva `within { $n } business { $day_word } of { $name }`, ou em horas de atendimento: `within { $hours } of { $name }`

## io

io-larger-than-mib-most = maior que { $mib } MiB, o máximo que um arquivo de política ou script pode ter
io-no-files = nenhum arquivo .{ $extension } em { $dir }
io-no-such-file-directory = arquivo ou diretório inexistente
io-outside-policy-directory = { $real } está fora do diretório da política { $root }
io-permission-denied = permissão negada
io-policy-directory = o diretório da política { $root }: { $reason }
io-policy-files-must-regular-help = arquivos de política devem ser arquivos comuns dentro do diretório da política (depois de seguir links simbólicos)
io-regular-file = não é um arquivo comum
io-text = { $path }: { $reason }
io-text-2 = { $name }: { $reason }
io-text-3 = { $f }: { $reason }
io-text-4 = { $path }: { $reason }
io-utf-8-text-invalid = não é texto UTF-8 (um byte inválido na posição { $valid_up_to })

## reload

reload-following-policy-files = acompanhar os arquivos da política
reload-loading-policy = carregar a política
reload-reading-checking-policy = ler e verificar a política
reload-watcher-stopped = o observador de arquivos parou

## always_present

always_present-declare-optional-remove-test-help = declare-o como opcional (`{ $name }: ...?`) ou remova o teste
always_present-required-field-label = um campo obrigatório
always_present-required-so-never-missing = `{ $name }` é obrigatório, então nunca está ausente

## ambiguous_duration

ambiguous_duration-about-business-days-hours-label = cerca de { $days } dias úteis de { $day_hours } horas
ambiguous_duration-durations-m-means-minutes = `{ $text }` é { $length }: em durações, `m` significa minutos
ambiguous_duration-hours-open-time-label = horas de atendimento
ambiguous_duration-minutes-months-label = minutos, não meses
ambiguous_duration-open-time = `{ $text }` de `{ $name }` equivale a { $hours } de atendimento, não a { $days }
ambiguous_duration-there-are-no-months-help = não existem meses: escreva `30d` para cerca de um mês; para minutos, escreva em segundos (`60s`) para silenciar este aviso

## bad_calendar

bad_calendar-add-opening-hours-such-help = adicione um horário de atendimento como `mon-fri 09:00-18:00`
bad_calendar-add-timezone-america-sao-help = adicione `timezone "America/Sao_Paulo"` (um nome IANA)
bad_calendar-calendar-has-no-time = o calendário `{ $name }` não tem fuso horário
bad_calendar-calendar-never-open = o calendário `{ $name }` nunca está aberto
bad_calendar-date-label = não é uma data
bad_calendar-day-range-must-run = um intervalo de dias deve ir de um dia da semana anterior a um posterior
bad_calendar-days-run-from-monday-help = os dias vão de segunda a domingo: escreva `mon-fri`, ou divida um intervalo que passa pelo fim de semana em `fri-sun` e `mon`
bad_calendar-holiday-date-such-2026 = um feriado é uma data como 2026-12-25
bad_calendar-impossible-interval-label = intervalo impossível
bad_calendar-no-opening-hours-label = sem horário de atendimento
bad_calendar-opening-hours-need-zone-label = o horário de atendimento precisa de um fuso horário
bad_calendar-opening-interval-must-open = um intervalo de atendimento deve abrir e fechar em horários diferentes do mesmo dia
bad_calendar-reversed-day-range-label = intervalo de dias invertido
bad_calendar-write-intervals-hh-mm-help = escreva intervalos como HH:MM-HH:MM, por exemplo 09:00-18:00 (24:00 pode fechar um dia)

## bad_clamp

bad_clamp-clamp-has-bounds-reversed = `clamp { $lo }..{ $hi }` tem os limites invertidos
bad_clamp-low-bound-above-high-label = o limite inferior está acima do limite superior
bad_clamp-write-clamp-help = escreva `clamp { $hi }..{ $lo }`

## bad_date

bad_date-date = { $text } não é uma data
bad_date-invalid-datetime-label = data e hora inválida
bad_date-no-such-day-label = dia inexistente
bad_date-valid-datetime = { $text } não é uma data e hora válida: { $e }
bad_date-write-dates-yyyy-mm-help = escreva datas como YYYY-MM-DD com um mês e um dia que existam
bad_date-write-rfc-3339-offset-help = escreva no formato RFC 3339 com o deslocamento de fuso: 2026-11-26T10:00:00-03:00

## bad_decay

bad_decay-decay-must-positive-duration = { $what } de um decaimento deve ser uma duração positiva
bad_decay-decay-rate-must-percent = a taxa de um decaimento deve ser um percentual acima de 0% e no máximo 100%
bad_decay-positive-duration-label = não é uma duração positiva
bad_decay-rate-label = não é uma taxa
bad_decay-write-decay-help = escreva `decay 50% every 30d since ...`
bad_decay-write-duration-such-30d-help = escreva uma duração como `30d` ou `2w`

## bad_duration

bad_duration-number-business-days-must = um número de dias úteis deve ser um número inteiro de pelo menos 1
bad_duration-positive-duration-label = não é uma duração positiva
bad_duration-sla-deadline-must-positive = o prazo de um SLA deve ser uma duração positiva
bad_duration-whole-number-from-1-label = não é um número inteiro a partir de 1
bad_duration-write-duration-such-4h-help = escreva uma duração como `4h` ou `2d 4h`
bad_duration-write-within-1-business-help = escreva `within 1 business day of ...` ou `within 3 business days of ...`

## bad_input

bad_input-already-value = `{ $text }` já é um valor de { $what }
bad_input-bad-date-format = formato de data inválido: { $reason }
bad_input-date-format-lacks = `{ $pattern }` não tem { $part }
bad_input-date-format-twice = `{ $pattern }` traz { $part } duas vezes
bad_input-date-format-unknown-part = `{ $word }` não é uma parte de um formato de data (escreva dd, mm, yyyy, hh, mm e ss)
bad_input-date-format-without = `{ $pattern }` traz { $part } sem { $needed }
bad_input-date-part-day = dia (dd)
bad_input-date-part-hour = hora (hh)
bad_input-date-part-minutes = minutos (mm depois de hh)
bad_input-date-part-month = mês (mm)
bad_input-date-part-seconds = segundos (ss)
bad_input-date-part-separator = separador
bad_input-date-part-year = ano (yyyy)
bad_input-every-bool-reads-true-help = todo bool já lê true/false, yes/no, y/n, sim/não e 1/0, com maiúsculas ou minúsculas; remova-o
bad_input-field-type-label = `{ $modifier }` em um campo do tipo { $found }
bad_input-first-listed-here-label = listado primeiro aqui
bad_input-first-mapped-here-label = mapeado primeiro aqui
bad_input-format-label = este formato
bad_input-input-text-reads-one-help = um texto de entrada é lido como um único valor: remova um dos dois
bad_input-listed-again-here-label = listado novamente aqui
bad_input-listed-here-label = listado como { $meaning } aqui
bad_input-mapped-again-here-label = mapeado novamente aqui
bad_input-mapped-here-label = mapeado aqui
bad_input-missing-here-label = ausente aqui
bad_input-missing-text-reads-missing-help = um texto de `missing` é lido como ausente: remova-o de um dos dois
bad_input-reads-but = `{ $modifier }` lê { $reads }, mas `{ $name }` é { $found }
bad_input-reads-itself-label = é lido como o próprio `{ $text }`
bad_input-remove-give-type-reads-help = remova `{ $modifier }`, ou dê a `{ $name }` um tipo que ele leia
bad_input-remove-value-own-name-help = remova-o: o próprio nome de um valor sempre é lido como esse valor
bad_input-text-label = não é `,` nem `.`
bad_input-word-reads-one-bool-help = uma palavra é lida como um único bool (com maiúsculas ou minúsculas): remova uma das duas
bad_input-write-day-month-year-help = escreva o dia, o mês e o ano como dd, mm e yyyy, e a hora como hh:mm ou hh:mm:ss, por exemplo "dd/mm/yyyy hh:mm"
bad_input-write-decimal-1-234-help = escreva `decimal ","` para 1.234,56 ou `decimal "."` para 1,234.56

## bad_key

bad_key-every-lead-needs-key-label = todo lead precisa de sua chave
bad_key-first-key-label = primeira chave
bad_key-has-more-than-one = `{ $name }` tem mais de um campo `key`
bad_key-key-field-cannot-optional = o campo chave `{ $name }` não pode ser opcional
bad_key-key-field-must-text = o campo chave `{ $name }` deve ser text ou int
bad_key-key-must-text-int-label = uma chave deve ser text ou int
bad_key-lead-has-one-identity-help = um lead tem uma única identidade; mantenha apenas um `key`
bad_key-mark-identifier-such-id-help = marque um identificador como `id: text key` como a chave
bad_key-remove-help = remova o `?`
bad_key-second-key-label = segunda chave

## bad_metric

bad_metric-add-days-metric-number-help = adicione `as days` (o número da métrica é em dias) ou escreva a meta como um número
bad_metric-add-percent-metric-value-help = adicione `as percent` à métrica (seu valor é uma fração, de 0 a 1), ou escreva a meta como um número
bad_metric-count-instead-count-leads-help = conte em vez disso: `count(leads where C)` (quantos), ou compare com `count(leads)`
bad_metric-duration-label = uma duração
bad_metric-duration-target-needs-metric = uma meta de duração precisa de uma métrica em dias ou horas
bad_metric-leads-takes-no-within = `leads` não aceita `within`
bad_metric-metric-periods-come-from-help = os períodos de uma métrica vêm de `per UNIT by EXPR`: remova o `within`, ou filtre com `where` por uma data do lead
bad_metric-over-has-no-value = `{ $word }` sobre `{ $text }` não tem valor em uma métrica
bad_metric-percent-label = não é um percentual
bad_metric-percent-label-2 = um percentual
bad_metric-percent-target-needs-percent = uma meta percentual precisa de uma métrica percentual
bad_metric-table-rows-are-placed-help = as linhas de uma tabela são distribuídas em períodos pelo seu campo `by`: remova o `within`
bad_metric-table-takes-no-within = uma tabela não aceita `within`
bad_metric-target-percent-metric-percent = a meta de uma métrica percentual é um percentual
bad_metric-time-window-label = janela de tempo
bad_metric-write-percent-help = escreva como percentual: { $percent }
bad_metric-yes-no-over-whole-label = um sim ou não sobre o lote inteiro

## bad_number

bad_number-above-0-label = não é maior que 0
bad_number-decimals-label = casas decimais
bad_number-here-label = aqui
bad_number-max-caps-points-one-help = `max` limita os pontos de uma regra, pelo seu valor absoluto
bad_number-number-versions-1-2-help = numere as versões 1, 2, 3, ...
bad_number-policy-version-must-whole = a versão da política deve ser um número inteiro
bad_number-round-keeps-0-12 = `round` mantém de 0 a 12 casas decimais, não { $n }
bad_number-rule-max-must-above = o `max` de uma regra deve ser maior que 0
bad_number-script-limit-must-positive = um limite de script deve ser um número inteiro positivo
bad_number-too-large-int-label = grande demais para um `int`
bad_number-whole-number-does-fit = o número inteiro `{ $text }` não cabe em 64 bits
bad_number-whole-number-label = não é um número inteiro
bad_number-whole-numbers-go-up-help = números inteiros vão até 9_223_372_036_854_775_807; para um número maior, escreva-o com expoente, como `1e19`
bad_number-write-number-decimals-from-help = escreva um número de casas decimais de 0 a 12, como em `round(x, 2)`

## bad_regex

bad_regex-check-brackets-escapes-literal-help = verifique colchetes, parênteses e escapes; um `(` ou `[` literal precisa de barra invertida
bad_regex-flags-are-i-ignore-help = as flags são i (ignorar maiúsculas/minúsculas), m (multilinha), s (ponto casa com quebra de linha), x (verboso)
bad_regex-invalid-regex-label = regex inválida
bad_regex-regex-does-compile = esta regex não compila: { $detail }
bad_regex-regex-label = nesta regex
bad_regex-unknown-regex-flag = flag de regex desconhecida `{ $other }`

## bad_script

bad_script-cannot-read-script = não foi possível ler o script `{ $path }`: { $reason }
bad_script-declared-here-label = declarado aqui
bad_script-define-fn-script-remove-help = defina `fn { $name }(...)` no script, ou remova a declaração
bad_script-fix-rhai-syntax-funnel-help = corrija a sintaxe Rhai; `funnel check` lê os scripts junto com a política
bad_script-has-no-function = `{ $script }` não tem a função `{ $name }`
bad_script-here-label = aqui
bad_script-paths-are-relative-policy-help = os caminhos são relativos ao arquivo de política que os cita; os scripts devem estar dentro do diretório dele
bad_script-script-does-compile = o script não compila: { $message }
bad_script-script-label = este script
bad_script-script-used-here-label = o script é usado aqui

## bad_sla

bad_sla-add-date-that-counts-help = adicione a data que conta, p. ex. `per month by created_at`
bad_sla-add-help = adicione `{ $example }`
bad_sla-business-days-need-calendar = dias úteis precisam de um calendário
bad_sla-business-days-which-calendar-label = dias úteis de qual calendário?
bad_sla-commitment-needs-by-place = este compromisso precisa de `by` para distribuir os leads em períodos
bad_sla-compliance-target-percent = uma meta de cumprimento é um percentual
bad_sla-conversion-target-percent = uma meta de conversão é um percentual
bad_sla-count-leads-takes-number = uma contagem de leads recebe um número, não um percentual
bad_sla-name-calendar-whose-opening-help = indique o calendário cujos dias de funcionamento contam: `within { $text } of office_hours`; sem calendário, escreva uma duração como `within 3d`
bad_sla-no-by-label = sem `by`
bad_sla-no-line-label = sem linha `{ $what }`
bad_sla-percent-label = um percentual
bad_sla-percent-label-2 = não é um percentual
bad_sla-percent-range-label = não é um percentual dentro do intervalo
bad_sla-sla-has-no = o SLA `{ $name }` não tem `{ $what }`
bad_sla-warn-at-takes-percent = `warn at` recebe um percentual entre 0% e 100%
bad_sla-write-at-least-200-help = escreva `at least 200 leads reach mql`, ou uma fração: `at least 50% of leads reaching mql reach sql`
bad_sla-write-percent-at-least-help = escreva como percentual: { $percent }, como em `at least 90% of first_touch met per month`
bad_sla-write-percent-help = escreva como percentual: { $percent }

## bad_stage

bad_stage-every-lead-starts-first-label = todo lead começa na primeira etapa
bad_stage-exclusion-needs-condition = uma exclusão precisa de uma condição
bad_stage-first-stage-cannot-have = a primeira etapa `{ $name }` não pode ter condição
bad_stage-list-stages-help = liste as etapas do funil, em qualquer arquivo do conjunto: `stages {"{"}
    {"  "}lead
    {"  "}mql when fit >= 40
    {"}"}`
bad_stage-no-at-stage-label = sem `at` nesta etapa
bad_stage-only-first-stage-has-label = só a primeira etapa não tem condição
bad_stage-policy-set-has-no = este conjunto de políticas não tem bloco `stages`
bad_stage-reason-without-condition-label = motivo sem condição
bad_stage-remove-when-list-stage-help = remova `when ...`, ou liste primeiro uma etapa sem condição
bad_stage-say-when-lead-reaches-help = diga quando um lead a alcança: `{ $name } when ...`
bad_stage-say-which-lead-field-help = diga qual campo do lead guarda quando ela foi alcançada: `{ $name } at FIELD when ...`
bad_stage-stage-has-no-when = a etapa `{ $name }` não tem condição `when`
bad_stage-stage-names-no-instant = a etapa `{ $name }` não indica nenhum instante
bad_stage-write-name-when-condition-help = escreva `NAME when CONDITION because "reason"`

## bad_table

bad_table-add-field-table-read-help = adicione o campo a `table { $name }` (lido com `from` da coluna do arquivo), para que as linhas da tabela e os leads se encontrem em uma só linha
bad_table-by-needs-date-datetime = `by { $by }` precisa de um campo de data ou data e hora, mas ele é { $found }
bad_table-flat-value-label = não é um valor simples
bad_table-leads-name-label = o nome nos leads
bad_table-name-row-date-e-help = indique a data da linha, p. ex. `by month` com `month: date`
bad_table-name-rows-table-spend-help = dê nome às linhas: `table spend ...`
bad_table-places-each-row-period-label = distribui cada linha em um período
bad_table-read-from-each-row-label = lido também de cada linha de `{ $name }`
bad_table-table-cannot-named = uma tabela não pode se chamar `{ $name }`
bad_table-table-field-holds-list = o campo de tabela `{ $name }` contém uma lista ou um registro
bad_table-table-has-no-field = a tabela `{ $name }` não tem o campo `{ $name2 }` para segmentar
bad_table-table-row-flat-like-help = uma linha de tabela é simples, como uma linha de CSV: texto, números, datas, enums, bools

## bad_test

bad_test-add-at-2026-11-help = adicione `at 2026-11-26T10:00:00-03:00` para que o teste dê o mesmo resultado todos os dias
bad_test-add-given-lead-id-help = adicione `given lead {"{"} id: "t1", ... {"}"}` ou `given lead from "lead.json"`, ou um lote: `given leads from "leads.jsonl"`
bad_test-add-make-field-optional-help = adicione `{ $example }`, ou torne o campo opcional com `?` em `schema { $def }`
bad_test-add-what-must-hold-help = adicione o que deve ser verdade, p. ex. `expect stage == mql`
bad_test-empty-list-label = uma lista vazia
bad_test-expect-funnel-over-all-help = espere o funil sobre todos os leads: `funnel({ $name })`
bad_test-expect-metric-name-period-help = espere `metric(NAME, "PERIOD")`, `status(NAME, "PERIOD")` ou `funnel(STAGE)`; teste os valores de um lead em um teste com `given lead`
bad_test-give-each-table-once-help = informe cada tabela uma só vez (as linhas dela seriam contadas duas vezes)
bad_test-give-leads-batch-too-help = informe os leads também como lote: `given leads [ ... ]` ou `given leads from "leads.jsonl"`
bad_test-give-metric-target-at-help = dê uma meta a `metric { $name }` (`at least T` ou `at most T`), ou espere o valor dela: `metric({ $name2 }, "PERIOD") >= ...`
bad_test-give-test-batch-given-help = dê um lote ao teste (`given leads [{"{"} ... {"}"}, {"{"} ... {"}"}]` ou `given leads from "leads.jsonl"`), ou espere os valores do próprio lead (`stage == sql`)
bad_test-given-again-here-label = informado de novo aqui
bad_test-literal-value-label = não é um valor literal
bad_test-metric-has-no-target = a métrica `{ $name }` não tem meta, portanto não tem status
bad_test-metric-without-at-least-label = uma métrica sem `at least` ou `at most`
bad_test-no-at-label = sem `at`
bad_test-no-expect-line-label = sem linha `expect`
bad_test-no-given-lead-label = sem `given lead`
bad_test-no-such-file-label = arquivo inexistente
bad_test-no-such-period-label = período inexistente
bad_test-no-such-row-label = linha inexistente
bad_test-only-test-over-batch-label = só em um teste sobre um lote
bad_test-paths-are-relative-policy-help = os caminhos são relativos ao arquivo de política
bad_test-per-write-period-report-help = { $whose } é por { $noun }: escreva o período como o relatório o rotula, p. ex. `"{ $example }"`
bad_test-reads-report-batch-leads = `{ $name }(..)` lê o relatório de um lote de leads, e este teste tem um só lead
bad_test-record-label = não é um registro
bad_test-report-has-no-periods = o relatório não tem períodos: nenhum SLA agregado ou métrica distribui leads em algum
bad_test-report-writes = `{ $text }` não é { $noun } na forma como o relatório escreve
bad_test-rows-are-given-twice = as linhas de `{ $name }` foram informadas duas vezes
bad_test-rows-go-batch-leads = as linhas de `{ $name }` acompanham um lote de leads
bad_test-segment = `{ $text }` não é um segmento de `{ $name }`
bad_test-single-lead-value-label = o valor de um único lead
bad_test-table-rows-label = as linhas de uma tabela
bad_test-test-batch-has-no = o lote do teste não tem nenhum lead
bad_test-test-expects-nothing = o teste "{ $test }" não espera nada
bad_test-test-file-does-exist = o arquivo de { $what } do teste, `{ $resolved }`, não existe
bad_test-test-gives-no-lead = o teste "{ $test }" não informa nenhum lead
bad_test-test-has-no-evaluation = o teste "{ $test }" não tem instante de avaliação
bad_test-test-lead-holds-values = um lead de teste contém valores, não cálculos
bad_test-test-lead-written-record = o lead de um teste é escrito como registro: `{"{"} id: "t1", ... {"}"}`
bad_test-test-over-batch-expects = um teste sobre um lote espera números do relatório dele, não `{ $what }` de um lead
bad_test-text-label = não é { $noun }
bad_test-text-label-2 = não é um texto
bad_test-write-funnel-report-e-help = escreva como em `funnel report`, p. ex. `{ $example }`
bad_test-write-leads-records-given-help = escreva os leads como registros: `given leads [{"{"} id: "a", ... {"}"}, {"{"} id: "b", ... {"}"}]`
bad_test-written-report-labels-double = { $what } se escreve como o relatório o rotula, entre aspas duplas

## cli

cli-checked-summary = { $files ->
        [1] 1 arquivo verificado
       *[other] { $files } arquivos verificados
    }: { $errors ->
        [1] 1 erro
       *[other] { $errors } erros
    }, { $warnings ->
        [1] 1 aviso
       *[other] { $warnings } avisos
    }

## cycle

cycle-break-cycle-definition-cannot-help = quebre o ciclo: uma definição não pode usar o próprio valor, direta ou indiretamente
cycle-defined-here-label = `{ $name }` é definido aqui
cycle-depends-itself = `{ $name }` depende de si mesmo: { $path }
cycle-uses-here-label = `{ $from }` usa `{ $to }` aqui

## duplicate_definition

duplicate_definition-bare-name-must-mean-help = um nome isolado deve significar uma só coisa; renomeie a definição
duplicate_definition-both-lead-field-definition = `{ $name }` é ao mesmo tempo um campo do lead e uma definição
duplicate_definition-declared-again-here-label = declarado de novo aqui
duplicate_definition-defined-again-here-label = definido de novo aqui
duplicate_definition-defined-here-label = definido aqui
duplicate_definition-each-band-needs-own-help = cada faixa precisa da sua própria letra
duplicate_definition-each-stage-appears-once-help = cada etapa aparece uma só vez, na ordem do funil
duplicate_definition-else-letter-must-differ-help = a letra do `else` deve ser diferente das letras das faixas
duplicate_definition-else-repeats-band-letter-label = `else` repete a letra de uma faixa
duplicate_definition-enum-value-listed-twice = o valor `{ $v }` está listado duas vezes
duplicate_definition-field-declared-twice = o campo `{ $name }` está declarado duas vezes em `{ $name2 }`
duplicate_definition-first-declared-here-label = declarado pela primeira vez aqui
duplicate_definition-first-defined-here-label = definido pela primeira vez aqui
duplicate_definition-first-graded-here-label = classificado pela primeira vez aqui
duplicate_definition-first-listed-here-label = listado pela primeira vez aqui
duplicate_definition-first-one-here-label = o primeiro está aqui
duplicate_definition-first-test-name-label = primeiro teste com este nome
duplicate_definition-give-each-test-own-help = dê a cada teste um nome próprio, para que uma falha diga qual foi
duplicate_definition-graded-again-here-label = classificado de novo aqui
duplicate_definition-keep-one-grade-block-help = mantenha um só bloco `grade` por score
duplicate_definition-lead-field-label = o campo do lead
duplicate_definition-letter-used-twice = a letra `{ $letter }` é usada duas vezes
duplicate_definition-letter-used-twice-2 = a letra `{ $o }` é usada duas vezes
duplicate_definition-listed-again-here-label = listado de novo aqui
duplicate_definition-merge-two-into-one-help = junte os dois em um só esquema
duplicate_definition-named-again-here-label = nomeado de novo aqui
duplicate_definition-names-are-shared-by-help = os nomes são compartilhados por todos os arquivos de um conjunto de políticas; renomeie ou remova um deles
duplicate_definition-policy-set-has-one = um conjunto de políticas tem um só bloco `{ $keyword }`, e este é um segundo
duplicate_definition-remove-one-two-lines-help = remova uma das duas linhas
duplicate_definition-remove-repeated-value-help = remova o valor repetido
duplicate_definition-schema-defined-twice = o esquema `{ $name }` está definido duas vezes
duplicate_definition-score-graded-twice = o score `{ $score }` é classificado duas vezes
duplicate_definition-second-block-label = segundo bloco `{ $keyword }`
duplicate_definition-stage-listed-twice = a etapa `{ $name }` está listada duas vezes
duplicate_definition-two-tests-are-named = dois testes se chamam "{ $test }"
duplicate_definition-used-again-here-label = usado de novo aqui

## duplicate_policy_header

duplicate_policy_header-first-header-here-label = primeiro cabeçalho aqui
duplicate_policy_header-keep-one-header-whole-help = mantenha um só cabeçalho para todo o diretório; remova este
duplicate_policy_header-policy-set-has-exactly = um conjunto de políticas tem exatamente um cabeçalho `policy`, e este é um segundo
duplicate_policy_header-second-header-label = segundo cabeçalho

## lead_field_in_where

lead_field_in_where-about-lead-each-but = `{ $text }` se refere ao lead, não a cada `{ $item }`, mas está dentro do filtro `where`
lead_field_in_where-filter-runs-end-line-help = o filtro vai até o fim da linha: escreva `{ $outside }`; se isso pertence ao filtro, escreva `{ $inside }`
lead_field_in_where-joined-filter-by-label = ligado ao filtro por `{ $word }`

## lsp

lsp-change-to = Trocar `{ $written }` por `{ $meant }`

## misplaced_aggregate

misplaced_aggregate-aggregate-within-aggregate-label = um agregado dentro de um agregado
misplaced_aggregate-batch-leads-label = o lote de leads
misplaced_aggregate-cannot-aggregated-inside-another = `{ $name }` não pode ser agregado dentro de outro agregado
misplaced_aggregate-compute-two-aggregates-side-help = calcule os dois agregados lado a lado na métrica, p. ex. `sum(amount of spend) / count(leads)`
misplaced_aggregate-count-sum-over-period-help = conte ou some sobre os leads do período, p. ex. `count(leads where { $what } ...)`; um `let` de literais (`let margin = 40%`) pode ser usado como está
misplaced_aggregate-leads-whole-batch-can = `leads` (o lote inteiro) só pode ser usado em uma métrica
misplaced_aggregate-metric-about-many-leads = uma métrica trata de muitos leads, então `{ $what }` precisa de um agregado em volta
misplaced_aggregate-rows-given-beside-leads-label = linhas informadas junto com os leads
misplaced_aggregate-score-stage-sla-about-help = um score, uma etapa ou um SLA trata de um único lead; agregue as linhas de uma tabela em uma `metric`
misplaced_aggregate-score-stage-sla-about-help-2 = um score, uma etapa ou um SLA trata de um único lead; use `metric` para contagens sobre os leads
misplaced_aggregate-single-lead-value-label = o valor de um único lead
misplaced_aggregate-table-can-only-used = a tabela `{ $name }` só pode ser usada em uma métrica

## missing_else

missing_else-end-grade-else-help = termine a classificação com `else { $suggestion }`
missing_else-grade-has-no-else = a classificação de `{ $score }` não tem letra `else`
missing_else-score-below-gets-no-label = um score abaixo deste não recebe letra

## missing_otherwise

missing_otherwise-end-route-catch-all-help = termine a rota com um ramo que pegue todo o resto: `inside_sales otherwise`
missing_otherwise-lead-matching-no-branch-label = um lead que não corresponda a nenhum ramo ficaria sem rota
missing_otherwise-route-has-no-otherwise = a rota não tem ramo `otherwise`

## no_lead_schema

no_lead_schema-add-schema-lead-id-help = adicione `schema lead {"{"} id: text key ... {"}"}` com os campos que seus leads têm
no_lead_schema-no-schema-any-file-label = nenhum esquema em nenhum arquivo do conjunto
no_lead_schema-no-schema-lead-describes = nenhum `schema lead` descreve os leads
no_lead_schema-schemas-are-here-but-label = há esquemas aqui, mas nenhum se chama `lead`

## no_policy_files

no_policy_files-no-policy-files-found = nenhum arquivo de política encontrado
no_policy_files-point-at-directory-policy-help = aponte para um diretório de arquivos de política, p. ex. `funnel check policies/acme`

## no_policy_header

no_policy_header-add-header-one-file-help = adicione um cabeçalho a um dos arquivos: `policy "my-policy" version 1`
no_policy_header-policy-set-has-no = este conjunto de políticas não tem cabeçalho `policy`

## non_ascii_name

non_ascii_name-also-on-line = {" "}aqui e na linha { $line }
non_ascii_name-also-on-lines = {" "}aqui e nas linhas { $lines } e { $last }
non_ascii_name-also-on-more-lines = {" "}aqui e nas linhas { $lines } e mais { $more }

## thresholds_out_of_order

thresholds_out_of_order-band-comes-first-label = esta faixa vem antes
thresholds_out_of_order-grade-can-never-given = a classificação `{ $letter }` nunca pode ser atribuída: `{ $letter2 }`, acima dela, já pega todo score que a alcança
thresholds_out_of_order-list-bands-from-highest-help = liste as faixas do limiar mais alto para o mais baixo
thresholds_out_of_order-unreachable-band-label = faixa inalcançável

## type_mismatch

type_mismatch-between-compares-numbers-dates = `between` compara números, datas ou durações, não { $found }
type_mismatch-bucket-first-e-g-help = agrupe em categorias primeiro, p. ex. `split by if amount >= 1000 then "large" else "small"`
type_mismatch-bucket-leads-by-when-help = agrupe os leads pelo momento em que algo aconteceu, p. ex. `by created_at`
type_mismatch-by-needs-date-datetime = `by` precisa de uma data ou data e hora, mas isto é { $found }
type_mismatch-cannot-apply = não é possível aplicar `{ $op }` a { $x } e { $y }
type_mismatch-cannot-compare = não é possível comparar { $x } com { $y }
type_mismatch-cannot-look = não é possível procurar { $a } em { $b }
type_mismatch-cannot-negate = não é possível negar { $found }
type_mismatch-compare-make-condition-e-help = compare para formar uma condição, p. ex. `fit >= 40`
type_mismatch-compares-numbers-dates-durations = `{ $name }` compara números, datas ou durações, não { $found }
type_mismatch-condition-must-true-false-help = uma condição deve ser verdadeira ou falsa: compare com `==`, `in` ou `matches`
type_mismatch-date-datetime = `{ $at }` é do tipo { $found }, não data nem data e hora
type_mismatch-days-between-takes-dates = `days_between` recebe datas ou datas e horas, não { $found }
type_mismatch-instant-stage-was-reached-label = o instante em que a etapa foi alcançada
type_mismatch-len-measures-text-list = `len` mede um texto ou uma lista, não { $found }
type_mismatch-matches-needs-regex-literal = `matches` precisa de uma regex literal à direita
type_mismatch-must-but = { $context } deve ser { $wanted }, mas isto é { $found }
type_mismatch-must-have-one-type = { $context } deve ter um só tipo, mas aqui os tipos são { $b } e { $a }
type_mismatch-name-date-datetime-field-help = indique um campo `date` ou `datetime` do lead
type_mismatch-name-label = não é um nome de { $what }
type_mismatch-name-list-field-lead-help = indique um campo de lista do lead, como `events`
type_mismatch-needs-list-but = aqui é preciso uma lista, mas isto é { $found }
type_mismatch-needs-list-right-but = `in` precisa de uma lista à direita, mas isto é { $found }
type_mismatch-needs-ordered-values-has = `{ $op }` precisa de valores ordenáveis, e { $x } não tem ordem
type_mismatch-needs-record-but = `.{ $field }` precisa de um registro, mas isto é { $found }
type_mismatch-numbers-are-written-without-help = números são escritos sem aspas: `company_size >= 50`, não `"50"`
type_mismatch-only-numbers-can-summed = só números podem ser somados ou ter média calculada, não { $found }
type_mismatch-ordered-comparison-label = comparação de ordem
type_mismatch-record-literal-can-only = um registro literal só pode informar o lead de um teste
type_mismatch-record-literal-here-label = registro literal aqui
type_mismatch-regex-label = não é uma /regex/
type_mismatch-row-label-value-printed-help = o rótulo de uma linha é o valor como impresso: dê ao campo da tabela o tipo do campo do lead (texto e enums são compatíveis)
type_mismatch-split-but-leads = em `{ $name }` esta segmentação é { $found }, mas nos leads é { $want }
type_mismatch-split-takes-text-enum = uma segmentação recebe texto, enum, bool ou int, mas isto é { $found }
type_mismatch-table-label = { $found } na tabela
type_mismatch-takes-name = `{ $name }` recebe o nome de { $what }
type_mismatch-text-label = isto é { $found }
type_mismatch-text-label-2 = isto é { $a }
type_mismatch-text-label-3 = isto é { $b }
type_mismatch-text-label-4 = isto é { $x }
type_mismatch-text-label-5 = isto é { $y }
type_mismatch-time-window-label = janela de tempo
type_mismatch-use-these-values-help = use `==`, `!=` ou `in` para estes valores
type_mismatch-within-keeps-items-whose-help = `within` mantém os itens cujo `at` está dentro da janela: use-o em uma lista como `events`, ou remova-o
type_mismatch-within-needs-list-records = `within` precisa de uma lista de registros com um `at` do tipo data e hora
type_mismatch-write-given-lead-test-help = escreva `given lead {"{"} ... {"}"}` em um bloco `test`
type_mismatch-write-list-such-br-help = escreva uma lista como `["BR", "PT"]`, ou use `contains` para texto
type_mismatch-write-pattern-between-slashes-help = escreva o padrão entre barras: `role matches /head|director/i`

## unknown_enum_value

unknown_enum_value-letter-grade = `{ $name }` não é uma letra da classificação de `{ $score }`
unknown_enum_value-letters-are-label = as letras são { $letters }
unknown_enum_value-no-values-label = { $what } não tem valores
unknown_enum_value-not-one-of-label = não é um destes: { $values }
unknown_enum_value-value = `{ $name }` não é um valor de { $what }

## unknown_field

unknown_field-add-at-datetime-schema-help = adicione `at: datetime` a `schema { $name }`
unknown_field-no-field = não existe o campo `{ $field }` em `{ $name }`
unknown_field-no-field-2 = não existe o campo `{ $name }` em `{ $def }`
unknown_field-time-window-label = janela de tempo
unknown_field-unknown-field-label = campo desconhecido
unknown_field-within-needs-at-datetime = `within` precisa de um campo `at: datetime` em `{ $name }`

## unknown_function

unknown_function-built-script-function-label = não é uma função nativa nem de script
unknown_function-exists-only-expect-lines = `{ $name }(..)` só existe nas linhas `expect` de um teste sobre um lote
unknown_function-function-here-label = não é uma função aqui
unknown_function-metrics-aggregate-slas-are-help = métricas e SLAs agregados são números sobre os leads de um período: `funnel report` os calcula, e um teste com `given leads` pode esperá-los
unknown_function-unknown-function = função desconhecida `{ $name }`

## unknown_holiday_set

unknown_holiday_set-no-built-holiday-set = não existe conjunto de feriados nativo com o nome `{ $name }`
unknown_holiday_set-unknown-holiday-set-label = conjunto de feriados desconhecido

## unknown_name

unknown_name-bare-name-label = um nome isolado
unknown_name-field-definition = `{ $name }` não é um campo nem uma definição
unknown_name-name-list-itself-help = indique a própria lista: { $lists }
unknown_name-script-limit-label = não é um limite de script
unknown_name-several-lists-hold-items = várias listas contêm itens `{ $name }`
unknown_name-text-written-quotes-help = texto é escrito entre aspas: `[{ $quoted }]`
unknown_name-text-written-quotes-help-2 = texto é escrito entre aspas: `"{ $name }"`
unknown_name-these-names-are-fields = estes nomes não são campos nem definições
unknown_name-unknown-script-limit = limite de script desconhecido `{ $name }`
unknown_name-which-list-label = qual lista?

## unknown_score

unknown_score-add-grade-70-b-help = adicione `grade { $name } {"{"} A >= 70, B >= 40, else C {"}"}`
unknown_score-cannot-grade-no-score = não é possível classificar `{ $score }`: nenhum score tem esse nome
unknown_score-no-grade-block-score-label = nenhum bloco `grade` para este score
unknown_score-score-has-no-grade = o score `{ $name }` não tem classificação
unknown_score-unknown-score-label = score desconhecido

## unknown_sla

unknown_sla-aggregate-sla-label = SLA agregado
unknown_sla-aggregate-sla-which-has = `{ $name }` é um SLA agregado, que não tem estado por lead
unknown_sla-aggregate-slas-are-reported-help = SLAs agregados são informados por período por `funnel report`
unknown_sla-expect-metric-aggregate-sla-help = espere uma métrica ou um SLA agregado; um SLA por lead é testado em um único lead: `sla({ $name }).state == met`
unknown_sla-per-lead-sla-label = SLA por lead
unknown_sla-per-lead-sla-which = `{ $name }` é um SLA por lead, que não tem número por período

## unknown_timezone

unknown_timezone-iana-time-zone-name-label = não é um nome de fuso horário IANA
unknown_timezone-unknown-time-zone = fuso horário desconhecido `{ $zone }`

## unknown_type

unknown_type-built-type-schema-label = não é um tipo nativo nem um esquema
unknown_type-unknown-type = tipo desconhecido `{ $name }`

## unreachable_grade

unreachable_grade-above-clamp-label = acima do limite
unreachable_grade-grade-can-never-given = a classificação `{ $o }` nunca pode ser atribuída: `{ $score }` nunca fica abaixo de { $lo }
unreachable_grade-grade-needs-more-than = a classificação `{ $letter }` exige mais do que `{ $score }` pode atingir (ele é limitado a { $lo }..{ $hi })
unreachable_grade-lower-threshold-less-help = baixe o limiar para { $hi } ou menos
unreachable_grade-raise-lowest-threshold-above-help = suba o limiar mais baixo para acima de { $lo }
unreachable_grade-unreachable-else-label = `else` inalcançável

## unreachable_route

unreachable_route-branch-comes-after-otherwise = o ramo `{ $name }` vem depois de `otherwise`, então nenhum lead o alcança
unreachable_route-move-otherwise-end-help = mova `otherwise` para o fim
unreachable_route-otherwise-takes-every-lead-label = `otherwise` pega todos os leads restantes
unreachable_route-unreachable-branch-label = ramo inalcançável

## unreachable_stage

unreachable_stage-always-false-label = sempre falsa
unreachable_stage-fix-condition-remove-stage-help = corrija a condição ou remova a etapa
unreachable_stage-later-stage-always-wins-label = esta etapa posterior sempre prevalece
unreachable_stage-lead-stage-last-listed-help = a etapa de um lead é a última etapa listada cuja condição é verdadeira; torne as condições diferentes
unreachable_stage-no-lead-can-reach = nenhum lead pode alcançar `{ $name }`: a condição dela é sempre falsa
unreachable_stage-no-lead-can-stay = nenhum lead pode permanecer em `{ $name }`: `{ $name2 }` tem a mesma condição e vem depois
unreachable_stage-unreachable-stage-label = etapa inalcançável

## unused_calendar

unused_calendar-calendar-never-used = o calendário `{ $c }` nunca é usado
unused_calendar-defined-here-label = definido aqui
unused_calendar-name-sla-within-4h-help = use-o em um SLA (`within 4h of { $c }`), ou remova-o

## unused_persona

unused_persona-defined-here-label = definida aqui
unused_persona-persona-never-used = a persona `{ $p }` nunca é usada

## wrong_arity

wrong_arity-argument-label = { $given ->
        [1] 1 argumento
       *[other] { $given } argumentos
    }
wrong_arity-declared-here-label = declarada aqui
wrong_arity-give-arguments-help = passe { $wanted } { $max ->
        [1] argumento
       *[other] argumentos
    } para `{ $name }`
wrong_arity-make-declaration-match-script-help = faça a declaração corresponder à linha `fn` do script
wrong_arity-takes-argument-but-given = `{ $name }` recebe { $wanted } { $max ->
        [1] argumento
       *[other] argumentos
    }, mas { $given ->
        [1] 1 foi passado
       *[other] { $given } foram passados
    }
wrong_arity-takes-parameters-script-but = `{ $name }` recebe { $n } parâmetros no script, mas está declarada com { $declared }

## zero_points

zero_points-0-points-label = 0 pontos
zero_points-give-points-5-when-help = dê pontos a ela (`+5 when ...`) ou remova-a
zero_points-rule-worth-0-points = esta regra vale 0 pontos, então nunca altera o score
