"""The vocabulary of the blameless-language check: who is a person, what is a
system, the built-in rules with their trigger words, and the allowed phrases.

A post-mortem is about systems and decisions, never about punishing a
person. Each rule is a regular expression (case-insensitive, on word
boundaries) with a suggestion for a better phrasing. ``conf.py`` can extend
or replace the rules (``postmortem_blameless_rules``) and allow phrases that
are fine in a team's vocabulary (``postmortem_blameless_allow``).

A counterfactual or a failure is blame only when its subject is a person: the
default rules judge the subject with three placeholders, which custom rules
can use too:

``{person}``
    a name from the page's ``:authors:`` or from ``postmortem_people``;
``{human}``
    ``{person}``, a common given name (*Jenny*, *Priya Nair*: ``GIVEN_NAMES``),
    a pronoun (*we*, *someone*, *whoever ran it*...), a role (*the on-call
    engineer*, *an intern*, *the person on call*...) or a team (*the database
    team*);
``{name}``
    a common given name, or a capitalised word or two that is not a common
    sentence opener or a well-known system (*Tom*, *Jane Doe*): a name nobody
    configured.

The patterns here are written for the text as :mod:`.blame_language` matches
it: names of people and common given names are replaced letter for letter by
``PERSON_MARK`` and ``GIVEN_MARK``, sentence openers are lowercased and systems
uppercased.
"""

from __future__ import annotations

#: Stands, letter for letter, for a configured person's name in the text matched.
PERSON_MARK = "\u01c2"

#: Stands, letter for letter, for a common given name in the text matched.
GIVEN_MARK = "\u01c1"

# -- who is the subject ---------------------------------------------------------------

#: Pronouns that stand for people ("they" and "it" are too often a system).
_PRONOUN = (
    r"\b(?:he|she|we|I|you|someone|somebody|anyone|anybody|everyone|everybody|nobody|"
    r"no[ -]one|one of (?:us|them|our \w+|the \w+)|whoever(?: [\w'-]+){1,6}?)"
)

#: Nouns for people in a role.
_ROLE = (
    r"(?:(?:software |site reliability |support |on-?call |release |database |network |"
    r"systems? |security |ops |devops |platform |infrastructure |junior |senior |new |"
    r"responsible |human )?(?:engineer|developer|programmer|coder|admin|administrator|"
    r"sysadmin|dba|dev|pm|qa|operator|on-?call(?:er)?|sre|intern|contractor|consultant|reviewer|"
    r"approver|author|committer|deployer|person|individual|lead|manager|teammate|"
    r"colleague|co-?worker|employee|staff member|team member|responder|commander|"
    r"maintainer|owner|product owner|product manager|project manager|architect|tester|"
    r"analyst|technician|hire|designer|scientist|specialist|coordinator|director|executive|"
    r"supervisor|boss|trainee|newcomer|newbie|joiner|recruit|guy|rep|representative|vp|cto|"
    r"ceo|cio)s?"
    r"|people|folks|humans?|management|leadership|ops|devops|qa)"
)

#: A role as a noun phrase: "the on-call engineer", "an intern", "the person on call".
#: Words before the role are lowercase (or an acronym): "the Kafka operator" is software.
_ROLE_NP = (
    r"(?:\b(?:the|an?|our|their|his|her|my|your|that|this|these|those|one|another|every|each|"
    r"some|any|two|three|several|both|all|other) (?:(?-i:[a-z][\w-]*|SRE|DBA|QA|IT) ){0,2}?"
    r"|(?<![\w'-] )(?<![\w'-]))" + _ROLE + r"\b"
    r"(?: (?:on|in) (?:call|shift|duty|charge))?"
)

#: A team: "the database team", "our SRE team".
_TEAM_NP = (
    r"\b(?:the|an?|our|their|that|this|every|each|one|another|whole|entire) "
    r"(?:[\w-]+ ){0,3}?(?:team|squad|crew|department)s?\b(?: that [^,.;:!?]{1,60}?)?"
)

#: After a person: "on the night shift", "on the team", "responsible for the deploy".
_POSTMOD = (
    r"(?: on (?:the |that |this |our )?(?:[\w-]+ )?(?:call|shift|duty|team|rotation|bridge)"
    r"| responsible for (?:the|this|that) [\w-]+| of (?:the|this|that) [\w-]+)?"
)

#: A common given name as matched, with a capitalised surname after it ("Priya Nair").
_GIVEN_NAME = rf"(?:{GIVEN_MARK}+(?: {GIVEN_MARK}+)*(?: (?-i:[A-Z][a-z]+(?:-[A-Z][a-z]+)?)\b)?)"

#: What ``{human}`` stands for: a person, a given name, a pronoun, a role or a team.
HUMAN = rf"(?:(?:{{person}}|{_GIVEN_NAME}|{_PRONOUN}|{_ROLE_NP}|{_TEAM_NP}){_POSTMOD})"

#: Capitalised words that start sentences or name systems, days and months: not people.
NOT_NAMES = frozenset(
    (
        "The|This|That|These|Those|There|Then|Than|Their|They|Them|It|Its|If|In|On|At|As|An|A|"
        "And|But|Or|So|No|Not|Nor|Yes|We|Our|Us|I|You|He|She|His|Her|One|All|Any|Each|Every|"
        "Some|Both|Most|Many|Much|More|Less|Few|None|Nothing|Everything|Something|Anything|"
        "Everyone|Someone|Anyone|Nobody|What|When|Where|Which|Who|Whoever|Why|How|While|"
        "After|Before|During|Since|Until|Because|Although|Though|However|Also|Once|Only|"
        "Just|Even|Still|Again|Here|Now|Today|Yesterday|Tomorrow|Later|Earlier|Next|Last|"
        "First|Second|Third|Finally|Overall|Meanwhile|Instead|Otherwise|Thus|Hence|"
        "Therefore|Honestly|Frankly|Clearly|Obviously|Ideally|Unfortunately|Luckily|"
        "Fortunately|Ultimately|Eventually|Initially|Previously|Normally|Usually|"
        "Typically|Historically|Hindsight|With|Without|For|From|To|Of|By|Per|Via|Had|Has|"
        "Have|Was|Were|Is|Are|Be|Been|Do|Does|Did|Should|Could|Would|Will|Can|May|Might|"
        "Must|Let|Please|Note|See|Root|Cause|Impact|Summary|Timeline|Action|Lesson|"
        "Lessons|Detection|Resolution|Mitigation|Staging|Production|Monitoring|Alerting|Testing|"
        "Review|Automation|Tooling|Canary|Support|Security|Engineering|Operations|Ops|"
        "Legal|Finance|Marketing|Sales|Nobody|Everybody|Somebody"
    ).split("|")
)

#: Endings of capitalised words that are not names: "Deploying", "Customers", "Replicas".
NOT_NAME_ENDINGS = ("ing", "ers", "ors", "ies", "ents", "ants", "ions", "ices")

#: Capitalised words that name systems, days and months: not people, and not the
#: lowercase words before a role either ("the Kafka operator" is software).
SYSTEMS = frozenset(
    (
        "Monday|Tuesday|Wednesday|Thursday|Friday|"
        "Saturday|Sunday|January|February|March|April|June|July|August|September|October|"
        "November|December|Black|Christmas|Kafka|Redis|Postgres|Postgre|Consul|Vault|"
        "Terraform|Kubernetes|Nginx|Envoy|Jenkins|Ansible|Puppet|Chef|Salt|Sentry|Grafana|"
        "Prometheus|Datadog|Splunk|Nagios|Icinga|Elasticsearch|Elastic|Cassandra|Mongo|"
        "Zookeeper|Etcd|Istio|Linkerd|Cloudflare|Akamai|Fastly|Azure|Google|Amazon|Stripe|"
        "Twilio|Slack|Jira|Argo|Helm|Docker|Celery|Sidekiq|Memcached|Varnish|Lambda|Aurora|"
        "Dynamo|Snowflake|Airflow|Spark|Hadoop|Flink|Ceph|Windows|Linux|Ubuntu|Debian|Java|"
        "Python|Node|Ruby|Rails|Django"
    ).split("|")
)

#: Common given names (English, Spanish, Portuguese, Italian, German, Dutch, Nordic,
#: French, Slavic, Arabic, Turkish, Indian, Chinese, Japanese and Korean romanised...): a
#: capitalised word in this list is a person wherever a person may be the subject.
#: Names that are also common words, months, languages or tools (Will, May, Mark, Grace,
#: Ruby, Ada, Hugo, Travis, Ray...) are left out: a sentence may start with them.
GIVEN_NAMES = frozenset(
    """
    Aaron Abdul Abigail Adam Adrian Ahmed Ahmad Aisha Akira Alan Albert Alejandro Alex
    Alexander Alexandra Alexei Ali Alice Alicia Alina Alison Amanda Amelia Amir Amit Amy
    Ana Anand Andrea Andreas Andrei Andrew Andy Angela Anil Anita Anja Anjali Ann Anna
    Anne Annika Anthony Anton Antonio Anya Arjun Arnav Aryan Ashley Astrid Aziz Barbara
    Beatriz Ben Benjamin Bernd Bianca Bilal Bob Bogdan Brandon Brian Bruno Camila Carl
    Carla Carlos Carmen Carol Caroline Catherine Charlie Charlotte Chiara Chloe
    Chris Christian Christina Christine Christoph Christopher Claire Clara Claudia Colin
    Connor Craig Cristina Dan Dana Daniel Daniela Daniele Danny Darius Dave David Deepa
    Deepak Denis Dennis Derek Diana Diego Dieter Dimitri Divya Dmitri Dmitry Dominik
    Dong Doug Duc Dylan Ed Eduardo Elena Eli Elif Elijah Elisa Elizabeth Ella Ellen Emil
    Emily Emma Emre Enrique Eric Erik Erin Ethan Eva Evan Fabian Farah Fatima Fang Felix
    Fernando Fiona Florian Francesca Francesco Francisco Franz Fred Gabriel Gabriela Gary
    Gaurav Georg George Gerhard Giorgio Giovanni Giulia Greg Gregory Guillaume Gustavo
    Hamza Hana Hannah Hans Hao Harish Harry Hassan Heather Heidi Helen Helena Henrik
    Henry Hiroshi Hong Hui Hussein Ian Ibrahim Igor Ines Ingrid Isaac Isabel Isabella
    Ivan Jacob Jake James Jamie Jan Jana Jane Janet Jason Javier Jay Jean Jeff Jennifer
    Jenny Jens Jeremy Jessica Jia Jian Jie Jill Jim Jing Jo Joan Joanna Joao Joe Johan
    Johannes John Jonas Jonathan Jordan Jorge Jose Joseph Josh Joshua Juan Julia Julian
    Julie Julien Jurgen Justin Kai Kamal Karen Karim Karin Karl Kate Katie Katrin
    Kavya Kazuki Keith Ken Kenji Kevin Khalid Kim Kiran Klaus Kumar Kyle Lars Laura
    Lauren Layla Lea Leila Lena Leo Leon Leonardo Li Liam Lin Lina Linda Ling Lisa
    Lorenzo Louis Luca Lucas Lucia Lucy Luis Luisa Lukas Madhu Magnus Mahmoud Manuel
    Marc Marco Marcos Marcus Margaret Maria Mariana Marie Marina Mario Marta Martin
    Mary Mateo Matt Matteo Matthew Matthias Maurice Maya Megan Mehmet Mei Melanie
    Mia Michael Michel Michelle Miguel Mike Mikhail Ming Mohammed Mohamed Monica Nadia
    Naomi Natalia Natalie Nathan Neha Nicholas Nick Nicolas Nikhil Nikita Nina Noah
    Nora Olga Oliver Olivia Omar Oscar Pablo Paolo Patrick Paul Paula Pedro Peter
    Philipp Pierre Pooja Pradeep Prakash Pranav Priya Qiang Rachel Rafael Rahul Raj
    Rajesh Ramesh Raphael Ravi Rebecca Ricardo Richard Rita Rob Robert Roberto Rohan
    Roman Ryan Sabine Sakura Sally Sam Samir Samuel Sandeep Sanjay Sara Sarah Sean
    Sebastian Sergei Sergey Sergio Shreya Simon Simone Sofia Sophia Sophie Stefan
    Stefano Stephanie Stephen Steve Steven Sunil Susan Suresh Sven Takeshi Tanya Tariq
    Thomas Tim Timothy Tobias Todd Tom Tomas Tony Tyler Uwe Valentina Vanessa Varun
    Vera Victor Vijay Vikram Vincent Wei Wolfgang Xavier Xin Yan Yang Yasmin Yi Ying
    Yosef Youssef Yu Yuki Yusuf Yuto Zainab Zara Zoe Zoltan
    """.split()
)

#: A capitalised name nobody configured: "Tom", "Jane Doe" (not "The", "Kafka", "Staging").
#: (Sentence openers, systems and words in -ing are lowercased in the matched text.)
NAME = (
    rf"(?:{_GIVEN_NAME}|(?<!\bthe )(?<!\ban )(?<!\ba )"
    r"(?-i:\b[A-Z][a-z]+(?: [A-Z][a-z]+)?)\b(?! (?-i:[A-Z])))"
)

#: Between a subject and its verb: a parenthesis, a relative clause, an adverb or two.
_BETWEEN = (
    r"(?:,[^,.;:!?]{1,60},| who\b[^,.;:!?]{1,60}?)?"
    r"(?: (?:\w+ly|also|then|just|still|again|simply|even|only|already|once again|"
    r"apparently|probably|evidently|allegedly))?"
)

#: Participles that make "should have ..." a judgement of a past action ("had" is possession).
_PARTICIPLE = (
    r"(?:been|done|gone|seen|known|caught|run|set|put|taken|made|got|gotten|built|sent|"
    r"written|kept|told|found|thought|brought|held|read|spent|chosen|given|paid|left|let|"
    r"shut|hit|cut|understood|woken|shown|spoken|taught|thrown|stuck|begun|(?!need\b)[\w-]+ed)\b"
)

#: Passive forms where the person is the one who was not helped: no judgement.
_RECEIVED = (
    r"been (?:paged|notified|alerted|told|informed|woken|given|warned|called|contacted|"
    r"shown|trained|able|allowed|asked|consulted|involved|included|sent|escalated to)\b"
)

#: What only a person does (or fails to do) with a task.
_HUMAN_ACTION = (
    r"(?:follow|read|check|double-check|verify|validate|test|notice|escalate|listen|look|"
    r"review|think|wait|consult|ask|heed|bother|pay attention|care|understand|realise|"
    r"realize|consider|communicate|tell|inform|acknowledge|update|document|confirm)\b"
)

_MODAL = r"(?:should(?:n't| not| never)?|ought(?:n't| not)? to)"

#: Failures and slips only a person makes: any person, named or not, as subject.
_ONLY_PEOPLE_DO = (
    r"(?:neglected|messed up|screwed up|botched|bungled|blundered|dropped the ball|"
    r"cut corners|took (?:a )?shortcuts?|rubber-?stamped|jumped the gun|went rogue|"
    r"(?:blindly|hastily|rashly|thoughtlessly|mindlessly|haphazardly|impulsively|wrongly|"
    r"mistakenly) [\w-]+|assumed (?:wrongly|incorrectly)|"
    r"(?:chose|decided|opted|elected) (?:not )?to (?:ignore|bypass|disregard|circumvent|skip "
    r"(?:the |a )?(?:[\w-]+ )?(?:steps?|checks?|tests?|review|canary|approval|runbook|"
    r"validation|safeguards?))\b|"
    r"(?:pushed|shipped|deployed|merged|released) (?:\w+ ){0,2}?(?:untested|unreviewed|"
    r"unapproved)\b|(?:didn't|did not|never|wouldn't|would not) even [\w-]+|"
    r"made (?:a|an|another|several|two|the same) (?:\w+ )?(?:mistakes?|errors?|"
    r"blunders?|bad call|wrong call|poor (?:decision|call|choice|judge?ment)|"
    r"bad decision|wrong decision|misjudge?ment)|(?:didn't|did not|never) "
    rf"{_HUMAN_ACTION}|never (?:tested|checked|read|followed|verified|validated|reviewed|"
    r"looked|escalated|noticed|considered|asked|updated|documented|acknowledged|confirmed)\b)"
)

#: Failures that are blame when a known person, a role or a team is the subject.
_FAILURE = (
    r"(?:ignored|overlooked|missed(?! (?:the |our |its |their )?(?:[\w-]+ ){0,2}?(?:slos?|slas?|"
    r"targets?|deadlines?|objectives?|error budget)\b)|skipped|disregarded|broke|caused|"
    r"mishandled|rushed|bypassed|misread|misjudged|misunderstood|misconfigured|fat-fingered|abused|"
    r"took down|brought down|(?:was|were) (?:too )?slow to|(?:was|were) wrong to|overrode|"
    r"overruled|circumvented|went around)\b"
)

#: A person acting: "we" and "I" are left out, a team's own choices are not blame.
_ACTOR = r"(?!(?:we|i|you)\b){human}"

#: Past tenses of what a person does to a system ("noticed", "reported" are not here: seeing
#: the wrong thing is no slip).
_ACTED = (
    r"(?:ran|typed|entered|picked|chose|selected|set|put|cut|shut down|took|made|sent|wrote|"
    r"rewrote|overwrote|gave|deployed|pushed|force-pushed|applied|deleted|dropped|removed|"
    r"restored|restarted|rebooted|killed|terminated|wiped|truncated|purged|flushed|migrated|"
    r"promoted|drained|scaled|rolled (?:back|out)|reverted|flipped|toggled|enabled|disabled|"
    r"approved|released|shipped|tagged|installed|upgraded|downgraded|provisioned|merged|"
    r"edited|changed|modified|updated|configured|copied|pasted|used|targeted|mounted|"
    r"unmounted|executed|launched|started|stopped|uploaded|patched|renamed|moved|granted|"
    r"revoked|rotated|replaced|committed|switched|loaded|imported|assigned|attached|"
    r"detached|pointed|routed|blocked|created|destroyed|erased|reset|published|cleared|closed|"
    r"failed over)\b"
)

#: Words between a verb and its object, in the same clause ("ran the cleanup script on").
_OBJECT_WORDS = (
    r"(?: (?!(?:that|which|who|where|because|after|when|since|so|and|but)\b)[\w'/-]+){0,6}?"
)

#: Aside on an action that makes its person the cause: chosen alone, or by mistake.
_ON_THEIR_OWN = (
    r"(?:on (?:his|her|their) own(?! initiative)(?: authority)?|unilaterally|single-handedly|"
    r"without (?:asking|telling|consulting|informing) (?:anyone|anybody|the team|(?:his|her|their) "
    r"(?:team|manager|lead)))\b"
)


def _subject_verb(subject: str, verbs: str) -> str:
    return rf"{subject}{_BETWEEN} {verbs}"


#: What a cause does: blame when a person's action is its subject.
_CAUSED = (
    r"(?:caused|triggered|broke|took down|brought down|(?:led|contributed) to|resulted in)"
    r"(?! (?:the |a |an )?(?:[\w-]+ )?(?:fix|recovery|resolution|mitigation|rollback|discovery|"
    r"improvement|detection)\b)\b"
)

_FAULT = "describe the conditions that led to the event, not whose fault it was"
_COUNTERFACTUAL = "state what happened and what will change, not what someone should have done"
_PERSON = "write about the system and the process; avoid naming a person as the cause"

#: Pattern of a built-in rule -> words without which it cannot match: the rule runs
#: only near them, which keeps the check fast on long pages.
TRIGGERS: dict[str, str] = {}

#: Pattern of a built-in rule -> words every match of it contains, for rules whose
#: trigger words are common ("because" holds "caus", "by" is everywhere): a window
#: near a trigger is matched only if it holds one of these words too.
REQUIRED: dict[str, str] = {}

#: The verbs of ``_CAUSED``, as words a match of it holds.
_CAUSED_WORDS = r"caused|triggered|broke|took down|brought down|led to|contributed to|resulted in"


def _triggered(
    name: str, pattern: str, suggestion: str, trigger: str, required: str | None = None
) -> tuple[str, str, str]:
    TRIGGERS[pattern] = trigger
    if required is not None:
        REQUIRED[pattern] = required
    return name, pattern, suggestion


#: (name, pattern, suggestion). See the module docstring for ``{person}``, ``{human}``
#: and ``{name}``. Several rules may share a name.
DEFAULT_RULES: tuple[tuple[str, str, str], ...] = (
    _triggered(
        "human error",
        r"\b(?:human|operator|user|engineer|developer|pilot|personnel|manual|staff)[ -]"
        r"(?:errors?|mistakes?)\b|\bfat[ -]?finger(?:ed|ing|s)?\b|\bpebkac\b",
        "describe what in the system made the action easy to get wrong",
        r"error|mistake|finger|pebkac",
    ),
    _triggered(
        "fault",
        r"(?<!\bnot )(?<!n't )(?<!\bno )(?:"
        r"\b(?!(?:nobody|no[ -]one|anyone|anybody|one|it)'s)[\w-]+'s(?: own)? fault\b"
        r"|\b(?:his|her|their|my|your|our)(?: own)? fault\b"
        r"|\bfault (?:of|lies (?:\w+ )?with) (?:{human}|{name})"
        r"|(?:{human}|{name}) (?:was|were|is|are) (?:\w+ )?at fault\b)",
        _FAULT,
        r"\bfault\b",
    ),
    _triggered(
        "fault",
        r"(?:{human}|{name})'s (?:own )?(?:mistakes?|errors?|oversights?|blunders?)\b"
        r"|\b(?:mistakes?|errors?|oversights?|blunders?)(?: (?:was|were))? (?:made )?"
        r"(?:by|on the part of) {human}"
        r"|(?:{human}|{name})'s (?:slow|late|delayed|poor|bad|hasty|rushed|careless|lazy|sloppy) "
        r"(?:response|reaction|judge?ment|decision|work|handling|call|choice|review)\b",
        _FAULT,
        r"mistake|error|oversight|blunder|'s (?:slow|late|delayed|poor|bad|hasty|rushed|"
        r"careless|lazy|sloppy)\b",
    ),
    _triggered(
        "fault",
        r"\b(?:this|that|it|the (?:outage|incident|failure|mistake|fault|blame)) (?:is|was) "
        r"(?:entirely |squarely |all |completely |solely )?on (?:{human}|{name})"
        r"|\b(?:lies|lay|rests|rested|falls|fell|sits) (?:\w+ )?(?:with|on) {human}"
        r"|\bat the feet of\b",
        _FAULT,
        r"\bis (?:entirely |squarely |all |completely |solely )?on\b"
        r"|\bwas (?:entirely |squarely |all |completely |solely )?on\b"
        r"|\blies\b|\blay\b|\brests?\b|\brested\b|\bfalls\b|\bfell\b|\bsits\b|feet of",
    ),
    _triggered(
        "fault",
        r"(?:{human}|{name}) (?:was|were|is|are) (?:\w+ )?responsible for (?:the|this|that|"
        r"our) (?:\w+ )?(?:outage|incident|failure|mistake|error|downtime|data loss|mess)\b"
        r"|\b(?:because of|due to) {human}\b(?!'s)"  # "due to Priya's runbook" credits her work
        r"|\b(?:caused by|the result of) {human}(?!'s (?:quick|fast|prompt))",
        _FAULT,
        r"responsible for|because of|due to|caused by|result of",
    ),
    (
        "blame",
        r"(?<!\bnot )(?<!\bno )(?<!n't )(?<!\bnever )(?<!without )(?<!\bavoid )(?<!\bthan )"
        r"(?<!instead of )(?<!\bnot to )\bblam(?:e|es|ed|ing|eworthy)\b|\bheld accountable\b"
        r"|\bhold (?:\w+ ){1,2}accountable\b|\bdisciplinary\b|\breprimand(?:ed|s)?\b"
        r"|\bpunish(?:ed|ment|ing)?\b",
        "describe contributing factors instead of assigning blame",
    ),
    (
        "careless",
        r"\bcareless(?:ly|ness)?\b|(?:\bnot|n't|\bnever|\binsufficiently) (?:\w+ )?careful\b"
        r"|\bmore careful(?=\s*(?:[.,;:!?)]|$|(?:with|when|about|in|and|next|during|before|"
        r"while)\b))|\bcareful enough\b|(?:\bnot|n't|\bnever) (?:\w+ )?pa(?:y|id|ying) "
        r"(?:\w+ )?attention\b|\black of (?:care|attention)\b|\binattenti(?:ve|on)\b"
        r"|\basleep at the wheel\b|\b(?:fell|was|were|been) asleep\b",
        "describe what made the mistake possible (missing checks, unclear tooling)",
    ),
    (
        "negligence",
        r"\bnegligen(?:t|tly|ce)\b|\bdereliction\b",
        "describe the safeguards that were missing",
    ),
    _triggered(
        "counterfactual",
        _subject_verb(
            r"(?:{human}|{name})",
            rf"(?:{_MODAL} (?:\w+ly )?(?:have|'ve)|should've|could (?:\w+ly )?(?:have|'ve)"
            r"(?= (?:caught|prevented|avoided|noticed|spotted|checked|tested|rolled back|"
            r"escalated|detected|stopped|reverted|verified|asked|read|followed|acted|"
            r"responded|reacted|waited|done better|done more)\b))"
            rf" (?:not |never |\w+ly )?(?!{_RECEIVED}){_PARTICIPLE}",
        )
        + "|"
        + _subject_verb(r"(?:{human}|{name})", r"(?:was|were) supposed to\b"),
        _COUNTERFACTUAL,
        r"should|ought|could|supposed",
    ),
    _triggered(
        "counterfactual",
        rf"\bif (?:only )?(?:{{human}}|{{name}}|they) (?:had(?:n't| not| only| just)?|"
        rf"would have|'d) (?:\w+ly )?(?!had\b)(?!{_RECEIVED}){_PARTICIPLE}"
        rf"|(?:^|(?<=[.;:!?,] )|(?<=\band )|(?<=\bbut ))had (?:{{human}}|{{name}}|they) "
        rf"(?:only |just |not |never |even |\w+ly )?(?!had\b)(?!{_RECEIVED}){_PARTICIPLE}",
        _COUNTERFACTUAL,
        r"\bhad\b|would have|'d\b",
    ),
    _triggered(
        "counterfactual",
        r"\b(?:should|ought to|could|would) (?:have )?know(?:n)? better\b|\bknew better\b"
        r"|\b(?:was|were) (?:\w+ )?(?:ignored|missed|overlooked|skipped|forgotten|neglected|"
        r"mishandled|botched) by {human}",
        _COUNTERFACTUAL,
        r"better|ignored by|missed by|overlooked by|skipped by|forgotten by|neglected by"
        r"|mishandled by|botched by",
    ),
    _triggered(
        "failed to",
        _subject_verb(r"{human}", r"failed to\b")
        + "|"
        + _subject_verb(r"{name}", rf"failed to {_HUMAN_ACTION}"),
        "describe what happened and why it was hard to do, e.g. 'the step was not run'",
        r"failed to",
    ),
    _triggered(
        "forgot",
        _subject_verb(r"(?:{human}|{name}|they)", r"forg(?:o|e)t(?:ten)?(?: to| about)?\b")
        + r"|(?:\b(?:and|but|then)|,) (?:\w+ly )?forgot (?:to|about)\b",
        "describe what in the process made the step easy to miss",
        r"forg[oe]t",
    ),
    (
        "didn't bother",
        r"\b(?:didn't|did not|never|don't|doesn't|couldn't be|could not be|not) bother(?:ed)?\b"
        r"|\b(?:nobody|no[ -]one)(?: [\w-]+){0,3}? bothered\b",
        "describe the trade-offs that were made at the time",
    ),
    (
        "incompetent",
        r"\bincompeten(?:t|ce|tly)\b|\bclueless\b|\binept(?:itude)?\b|\bunqualified\b"
        r"|\b(?:did not|didn't|does not|doesn't|don't|do not) (?:\w+ )?know what (?:\w+ ){1,2}"
        r"(?:(?:was|were|is|are|am) )?doing\b|\bno (?:idea|clue) what (?:\w+ ){1,2}doing\b"
        r"|\bout of (?:his|her|their|my|your|our) depth\b",
        "describe the knowledge or tooling that was missing",
    ),
    _triggered(
        "person as subject",
        _subject_verb(r"(?:{human}|{name}|they)", _ONLY_PEOPLE_DO)
        + r"|\b(?:didn't|did not|failed to) do (?:his|her|their|our|my|your) jobs?\b",
        _PERSON,
        r"neglected|messed|screwed|botched|bungled|blundered|ball|corners|shortcut|"
        r"\bmade\b|didn't|did not|never|\bjobs?\b|rubber|\bgun\b|rogue|blindly|hastily|"
        r"rashly|thoughtlessly|mindlessly|haphazardly|impulsively|wrongly|mistakenly|assumed|"
        r"chose|decided|opted|elected|untested|unreviewed|unapproved|\beven\b",
    ),
    _triggered(
        "person as subject",
        _subject_verb(r"{human}", _FAILURE)
        + rf"|(?:\bbecause|\bsince|\bafter|\bwhen) {{name}} {_FAILURE}"
        + rf"|{{name}}, who [^,.;:!?]{{1,60}}, {_FAILURE}",
        _PERSON,
        r"ignored|overlooked|missed|skipped|disregarded|broke|caused|mishandled|rushed|down|"
        r"slow to|wrong to|bypassed|misread|misjudged|misunderstood|misconfigured|"
        r"fat-fingered|abused|overr|circumvented|went around",
        r"ignored|overlooked|missed|skipped|disregarded|broke|caused|mishandled|rushed|bypassed|"
        r"misread|misjudged|misunderstood|misconfigured|fat-fingered|abused|took down|"
        r"brought down|slow to|wrong to|overrode|overruled|circumvented|went around",
    ),
    _triggered(
        "person as subject",
        rf"\bit was (?:{{human}}|{{name}}) who (?:\w+ly )?(?:{_FAILURE}|pushed|deleted|"
        r"introduced|merged|approved)"
        + r"|(?:{human}|{name})'s (?:[\w-]+ ){1,2}(?:broke|caused|took down|brought down)\b",
        _PERSON,
        r"\bit was\b|broke|caused|\bdown\b",
    ),
    _triggered(
        "person as cause",
        rf"(?:{{human}}|{{name}}){_BETWEEN} [\w-]+ed\b[^,.;:!?]{{1,80}}?, "
        rf"which (?:\w+ly )?{_CAUSED}"
        rf"|(?:{{human}}|{{name}}) [\w-]+ing\b[^,.;:!?]{{1,60}}? {_CAUSED}"
        rf"|(?:{{human}}|{{name}})'s (?:[\w-]+ ){{1,8}}?{_CAUSED}"
        r"|\broot cause (?:was|is|:|-) (?:{human}|{name})(?=(?: \w+ly)? [\w-]+ing\b|'s\b| who\b"
        r"|\s*[.,;:!?]|$)"
        r"|\b(?:caused|triggered|set off) by {name}(?= [\w-]+ing\b|\s*[.,;:!?]|$)",
        _FAULT,
        r"caus|trigger|set off|broke|\bdown\b|led to|contributed to|resulted in",
        rf"{_CAUSED_WORDS}|root cause|set off",
    ),
    _triggered(
        "person as cause",
        r"(?:{human}|{name})'s (?:own )?doing\b"
        r"|\b(?:was|were|been|got) (?:\w+ly )?(?:rushed|forced|rammed|snuck|sneaked|botched|"
        r"bungled|mishandled|misconfigured|broken|fat-fingered|rubber-?stamped|messed up|"
        r"screwed up)(?: (?:out|through|in|into|over))? by (?:{human}|{name})",
        _FAULT,
        r"doing|\bby\b",
        r"doing|rushed|forced|rammed|snuck|sneaked|botched|bungled|mishandled|misconfigured|"
        r"broken|fat-fingered|rubber|messed up|screwed up",
    ),
    _triggered(
        "person as subject",
        _subject_verb(
            r"(?:{human}|{name})",
            r"[\w-]+ [^,.;:!?]{0,60}?(?:without (?:even |first )?(?:thinking|a second thought|"
            r"checking|testing|reading|looking|asking|verifying|reviewing|telling)"
            r"|instead of (?:reading|checking|verifying|testing|following|consulting|asking|"
            r"looking))\b",
        ),
        _PERSON,
        r"without|instead of",
    ),
    _triggered(
        "person as cause",
        _subject_verb(
            _ACTOR,
            rf"{_ACTED}{_OBJECT_WORDS} (?:the|a|an) (?:[\w-]+ )?(?:wrong|incorrect)\b",
        )
        + "|"
        + _subject_verb(_ACTOR, rf"{_ACTED}{_OBJECT_WORDS} (?:by (?:mistake|accident)|in error)\b")
        + rf"|{_ACTOR}{_BETWEEN} (?:accidentally|inadvertently|unintentionally|unwittingly) "
        rf"{_ACTED}",
        _FAULT,
        r"wrong|incorrect|mistake|accident|in error|inadvertent|unintentional|unwitting",
    ),
    _triggered(
        "person as subject",
        rf"{_ACTOR}{_BETWEEN} (?:{_ACTED}|decided|opted|elected|acted|went ahead|proceeded)"
        rf"{_OBJECT_WORDS} {_ON_THEIR_OWN}"
        rf"|{_ACTOR}{_BETWEEN} {_ON_THEIR_OWN}",
        _PERSON,
        r"\bown\b|unilateral|single-handed|without",
    ),
    _triggered(
        "person as cause",
        _subject_verb(
            _ACTOR,
            r"(?:pushed|deployed|merged|shipped|applied|made|introduced|wrote|committed|ran|"
            rf"released) [^,.;:!?]{{1,60}}? (?:that|which) (?:\w+ly )?{_CAUSED}",
        ),
        _FAULT,
        r"caus|trigger|broke|\bdown\b|led to|contributed to|resulted in",
        _CAUSED_WORDS,
    ),
    _triggered(
        "didn't care",
        _subject_verb(
            r"(?:{human}|{name}|they)",
            r"(?:didn't|did not|doesn't|does not|don't|do not|never|couldn't|could not) "
            r"(?:\w+ )?care\b",
        )
        + r"|\b(?:nobody|no[ -]one)(?: [\w-]+){0,4}? (?:really |even )?cared\b"
        r"|\b(?:not|n't|never) care(?:d)? enough\b|\bcould(?:n't| not) care less\b",
        "describe the priorities and trade-offs that were made at the time",
        r"\bcared?\b",
    ),
    _triggered(
        "poor judgement",
        r"\b(?:poor|bad|questionable|flawed|faulty|(?:a )?lack of|lapses? (?:of|in)|"
        r"errors? (?:of|in)) judge?ments?\b",
        "describe the information and pressures at the time of the decision",
        r"judg",
    ),
    (
        "stupid",
        r"\bstupid(?:ly|ity)?\b|\bdumb\b(?! (?:pipe|terminal|client|proxy|switch))"
        r"|\bidiot(?:ic|s)?\b|\bmoron(?:ic|s)?\b|\bfoolish(?:ly|ness)?\b|\bsilly mistakes?\b"
        r"|\brookie mistakes?\b|\bbone-?headed\b|\bamateur(?:ish| hour| mistakes?)\b",
        "describe the decision and the information available at the time",
    ),
    ("sloppy", r"\bslopp(?:y|ily|iness)\b", "describe what the review or tooling did not catch"),
    (
        "reckless",
        r"\breckless(?:ly|ness)?\b|\birresponsib(?:le|ly|ility)\b|\bcowboy\b",
        "describe the risk that was not visible at the time",
    ),
    (
        "lazy",
        r"\blaziness\b|(?:(?<=\bwas )|(?<=\bwere )|(?<=\bis )|(?<=\bare )|(?<=\bbeen )"
        r"|(?<=\btoo )|(?<=\bso )|(?<=\bjust )|(?<=\bplain )|(?<=\bvery )|(?<=\bgot ))"
        r"lazy\b(?![ -](?:load|eval|init|import|expir|delet|fre|unmount|propagat|replica))"
        rf"|\blazy(?= (?:{_ROLE}|team|work|approach|attitude|review|mistake|shortcut|"
        r"coding|habits?|engineering|testing)\b)",
        "describe the time pressure or missing automation",
    ),
)

#: Rule name -> trigger, for the built-in rules that are a list of words.
_WORD_TRIGGERS = {
    "blame": r"blam|accountable|disciplinary|reprimand|punish",
    "careless": r"careless|careful|attention|inattenti|asleep",
    "negligence": r"negligen|dereliction",
    "didn't bother": r"bother",
    "incompetent": r"incompeten|clueless|inept|unqualified|doing|depth",
    "stupid": r"stupid|dumb|idiot|moron|foolish|silly|rookie|headed|amateur",
    "sloppy": r"slopp",
    "reckless": r"reckless|irresponsib|cowboy",
    "lazy": r"laz",
}
for _name, _pattern, _suggestion in DEFAULT_RULES:
    if _pattern not in TRIGGERS:
        TRIGGERS[_pattern] = _WORD_TRIGGERS[_name]

#: Phrases that are never blame, whatever the rules say.
DEFAULT_ALLOW = (
    "blameless",
    "no-blame",
    "no blame",
    "blame-free",
    "blame culture",
    "culture of blame",
    "blame game",
    "git blame",
    "nobody is to blame",
    "no one is to blame",
    "nobody was blamed",
    "no one was blamed",
    "lazy loading",
    "lazy-loading",
    "lazily loaded",
    "lazily-loaded",
    "could have been worse",
    "could've been worse",
)
