-- This candidate's or blocked run's scorecard by principle (the trend's last point).
SELECT principle, sum(checked) AS checked, sum(passed) AS passed
FROM {scope:scorecard}
GROUP BY ALL
