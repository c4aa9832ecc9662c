-- Knowledge K(c, k) of each consultant about each client at the as-of date (SPEC 4.1).
-- K = sum(w * 0.5 ^ ((T - d) / half_life_days)) over evidence with T - window_days < d <= T.
-- Params: $as_of_on, $half_life_days, $window_days, $ticket_weight, $knower_floor, $min_share.
with

-- evidence: hours worked (absences excluded) and tickets handled, each dated
evidence as (
    select * from knowledge_evidence(
        $as_of_on::date - ceil($window_days)::integer, $as_of_on::date,
        $ticket_weight, $internal_clients)
),

-- decayed knowledge per consultant and client
scores as (
    select
        client,
        consultant,
        sum(weight * pow(0.5, ($as_of_on::date - evidence_on) / $half_life_days::double)) as knowledge
    from evidence
    group by client, consultant
),

shares as (
    select
        *,
        knowledge / nullif(sum(knowledge) over (partition by client), 0) as share,
        sum(knowledge) over (partition by client) as client_knowledge
    from scores
    where knowledge > 0
),

-- the relative 1e-9 absorbs floating error: a value exactly at a threshold counts
final as (
    select
        client,
        consultant,
        knowledge,
        share,
        knowledge * (1 + 1e-9) >= $knower_floor
            and knowledge * (1 + 1e-9) >= $min_share * client_knowledge as is_knower
    from shares
    order by client, knowledge desc, consultant
)

select * from final
