-- A release's scorecard by principle (one point of the trend).
SELECT principle, sum(checked) AS checked, sum(passed) AS passed
FROM {release:quality_scorecard}
GROUP BY ALL
