-- Knowledge K(c, k) of each consultant about each client at the as-of date (SPEC 4.1).
-- K = sum(w * 0.5 ^ ((T - d) / half_life_days)) over evidence with T - window_days < d <= T.
-- Params: $as_of_on, $half_life_days, $window_days, $ticket_weight, $knower_floor, $min_share.
with

-- evidence: hours worked (absences excluded) and tickets handled, each dated
entry_evidence as (
    select consultant, client, work_date as evidence_on, hours as weight
    from time_entries
    where not coalesce(is_absence, false)
      and consultant is not null and client is not null and hours is not null
      and work_date <= $as_of_on
      and work_date >= $as_of_on::date - (ceil($window_days)::integer - 1)
),

ticket_evidence as (
    select assignee as consultant, client,
           coalesce(resolved_at, created_at)::date as evidence_on,
           $ticket_weight::double as weight
    from tickets
    where assignee is not null and client is not null
      and coalesce(resolved_at, created_at) < $as_of_on::date + 1
      and coalesce(resolved_at, created_at) >= $as_of_on::date - (ceil($window_days)::integer - 1)
),

evidence as (
    select * from entry_evidence
    union all
    select * from ticket_evidence
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
