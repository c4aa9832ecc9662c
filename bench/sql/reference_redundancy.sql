-- Physical reference of `okam report redundancy`: the same table in one hand-written query.
-- Params: $as_of_on, $half_life_days, $window_days, $ticket_weight, $knower_floor, $min_share,
--         $target_knowers, $active_days, $internal_clients.
with

evidence as (
    select client, consultant, work_date as evidence_on, hours as weight
    from time_entries
    where not coalesce(is_absence, false) and consultant is not null and client is not null
      and hours is not null and work_date <= $as_of_on
    union all
    select client, assignee, coalesce(resolved_at, created_at)::date, $ticket_weight::double
    from tickets
    where assignee is not null and client is not null
      and coalesce(resolved_at, created_at) < $as_of_on::date + 1
),

aged as (
    select *, $as_of_on::date - evidence_on as age_days
    from evidence
    where not list_contains($internal_clients::varchar[], lower(client))
),

scores as (
    select client, consultant, sum(weight * pow(0.5, age_days / $half_life_days)) as knowledge
    from aged
    where age_days < $window_days
    group by client, consultant
    having sum(weight) > 0
),

ranked as (
    select
        *,
        sum(knowledge) over by_client as total_knowledge,
        sum(knowledge) over by_rank as running_knowledge,
        row_number() over by_rank as knowledge_rank
    from scores
    window
        by_client as (partition by client),
        by_rank as (partition by client order by knowledge desc, consultant rows unbounded preceding)
),

per_client as (
    select
        client,
        count(*) filter (where is_knower) as knowers,
        string_agg(consultant, ', ' order by knowledge desc, consultant) filter (where is_knower)
            as knower_names,
        min(knowledge_rank) filter (where running_knowledge > 0.5 * total_knowledge)
            as absence_factor
    from (
        select
            *,
            knowledge * (1 + 1e-9) >= $knower_floor
                and knowledge * (1 + 1e-9) >= $min_share * total_knowledge as is_knower
        from ranked
    )
    group by client
),

activity as (
    select client, max(evidence_on) as last_activity_on
    from aged
    group by client
),

final as (
    select
        c.client,
        coalesce(k.knowers, 0)::integer as knowers,
        coalesce(k.knower_names, '') as knower_names,
        coalesce(k.absence_factor, 0)::integer as absence_factor,
        case
            when coalesce(k.knowers, 0) = 0 then 'uncovered'
            when k.knowers >= $target_knowers then 'covered'
            when k.knowers = 1 then 'single'
            else 'thin'
        end as status,
        case when $as_of_on::date - a.last_activity_on < $active_days then 'active'
            else 'dormant' end as activity
    from (
        select client from clients
        where not list_contains($internal_clients::varchar[], lower(client))
        union
        select client from activity
    ) as c
    left join per_client as k using (client)
    left join activity as a using (client)
    order by c.client
)

select * from final
